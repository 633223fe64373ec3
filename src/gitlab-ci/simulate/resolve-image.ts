import type { ImageDef } from "../model.js";
import type { ResolvedImage, ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandWith } from "./resolve-variables.js";

/**
 * An `image:`/`services:` name as the runner resolves it: expanded with all of the job's
 * variables in one pass (Go `os.Expand`, `$VAR` and `${VAR}`), and — as Docker does — a name
 * without a tag or digest means `:latest`. The tag is looked for only in the last path
 * component, so a registry port (`host:5000/img`) is not mistaken for a tag. When the last
 * component contains an unknown part, it might carry a tag, so nothing is appended.
 */
export function resolveImage(def: ImageDef, variables: Record<string, ResolvedVar>): ResolvedImage {
  const expanded = expandWith(def.name.value, variables);
  return { ref: withDefaultTag(expanded), raw: def.name.value, pos: def.name.pos };
}

export function withDefaultTag(ref: ResolvedText): ResolvedText {
  const text = ref.text.trim();
  if (text === "") return ref;
  const last = text.slice(text.lastIndexOf("/") + 1);
  if (last.includes(":") || last.includes("@") || last.includes("«")) return { ...ref, text };
  return { ...ref, text: `${text}:latest` };
}
