import { isExternalFileName } from "../core/external-file.js";
import type { Pos } from "../core/pos.js";
import { link, type Span } from "./document.js";
import type { ReportOptions } from "./options.js";

/**
 * `path:line`, linked to the file at the head SHA when the platform can make the URL. A file
 * from another project (`group/project@commit:path`) is not linked: it is not in this repository.
 */
export function location(pos: Pos, options: Pick<ReportOptions, "fileUrl">, side: "base" | "head" = "head"): Span {
  const label = `${pos.file}:${pos.line}`;
  if (!options.fileUrl || isExternalFileName(pos.file)) return { kind: "code", text: label };
  return link(options.fileUrl(pos.file, pos.line, side), { kind: "code", text: label });
}
