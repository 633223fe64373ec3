import type { Pos } from "../core/pos.js";
import { link, type Span } from "./document.js";
import type { ReportOptions } from "./options.js";

/** `path:line`, linked to the file at the head SHA when the platform can make the URL. */
export function location(pos: Pos, options: Pick<ReportOptions, "fileUrl">, side: "base" | "head" = "head"): Span {
  const label = `${pos.file}:${pos.line}`;
  if (!options.fileUrl) return { kind: "code", text: label };
  return link(options.fileUrl(pos.file, pos.line, side), { kind: "code", text: label });
}
