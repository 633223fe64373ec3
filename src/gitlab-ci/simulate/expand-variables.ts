import type { ResolvedText } from "../pipeline.js";

/**
 * Variable expansion, in the two dialects that matter for a pipeline:
 * - "gitlab": GitLab's `$VAR` / `${VAR}` with `$$` as an escaped `$` (lib/expand_variables.rb,
 *   Variables::Collection#expand_value); `%VAR%` (Windows) is not expanded here.
 * - "runner": the runner's Go `os.Expand` over the job's variables, used for `image:` and
 *   `services:` (`$VAR`, `${VAR}`, single pass).
 * What a name resolves to comes from `lookup`; `undefined` means "defined nowhere".
 */
export type ExpandLookup = (name: string) => ResolvedText | undefined;

export interface ExpandOptions {
  /**
   * What an undefined variable becomes:
   * "unknown" — `«$NAME»`, not known (it may be a project variable we cannot see);
   * "literal" — the reference stays as written (GitLab's `expand_existing`, e.g. `rules:changes` paths).
   */
  undefinedAs: "unknown" | "literal";
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

export function knownText(text: string): ResolvedText {
  return { text, known: true, unknowns: [] };
}

export function unknownText(name: string): ResolvedText {
  return { text: `«$${name}»`, known: false, unknowns: [name] };
}

/**
 * The longest value an expansion builds. GitLab documents no such limit, but values that refer
 * to each other can double at every step (`V1: "${V0}${V0}"` … `V24`: 704 bytes of YAML, 16 M
 * copies of V0), which would take gigabytes to build. No real variable comes near 64 KiB; past
 * it the value is unknown (`oversized`), and the loader names the variable (value-too-large).
 */
export const MAX_EXPANDED_CHARS = 65_536;

/** A value that was not built because it would pass MAX_EXPANDED_CHARS. */
export const OVERSIZED_TEXT: ResolvedText = { text: `«value over ${MAX_EXPANDED_CHARS.toLocaleString("en")} characters»`, known: false, unknowns: [], oversized: true };

export function expandText(text: string, lookup: ExpandLookup, options: ExpandOptions): ResolvedText {
  const unknowns: string[] = [];
  // Characters the result has so far; once past the budget nothing more is built.
  let length = 0;
  let consumed = 0;
  let oversized = false;
  const out = text.replace(REFERENCE, (match: string, braced: string | undefined, bare: string | undefined, offset: number) => {
    if (oversized) return "";
    length += offset - consumed;
    consumed = offset + match.length;
    if (match === "$$") return (length++, "$");
    const name = (braced ?? bare) as string;
    const value = lookup(name);
    if (value === undefined) {
      if (options.undefinedAs === "literal") return ((length += match.length), match);
      unknowns.push(name);
      length += name.length + 3;
      return `«$${name}»`;
    }
    length += value.text.length;
    if (value.oversized || length > MAX_EXPANDED_CHARS) {
      oversized = true;
      return "";
    }
    for (const u of value.unknowns) unknowns.push(u);
    return value.text;
  });
  if (oversized) return OVERSIZED_TEXT;
  return { text: out, known: unknowns.length === 0, unknowns: [...new Set(unknowns)] };
}

/** Whether a text refers to any variable (so expansion could change it). */
export function hasReference(text: string): boolean {
  return /\$\{?[A-Za-z_]/.test(text);
}
