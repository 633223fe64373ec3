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

export function expandText(text: string, lookup: ExpandLookup, options: ExpandOptions): ResolvedText {
  const unknowns: string[] = [];
  const out = text.replace(REFERENCE, (match: string, braced: string | undefined, bare: string | undefined) => {
    if (match === "$$") return "$";
    const name = (braced ?? bare) as string;
    const value = lookup(name);
    if (value === undefined) {
      if (options.undefinedAs === "literal") return match;
      unknowns.push(name);
      return `«$${name}»`;
    }
    for (const u of value.unknowns) unknowns.push(u);
    return value.text;
  });
  return { text: out, known: unknowns.length === 0, unknowns: [...new Set(unknowns)] };
}

/** Whether a text refers to any variable (so expansion could change it). */
export function hasReference(text: string): boolean {
  return /\$\{?[A-Za-z_]/.test(text);
}
