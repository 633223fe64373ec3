import { parseImageRef } from "../containers/image-ref.js";

/**
 * Repository and tag of a reference as shown in reports (`registry/group/name`, `tag`), from the
 * containers module's Docker-compatible parser; a digest stands in for the tag.
 */
export function splitImageRef(ref: string): { repository: string; tag: string } {
  const parts = parseImageRef(ref);
  return { repository: parts.repository, tag: parts.tag ?? parts.digest ?? "latest" };
}
