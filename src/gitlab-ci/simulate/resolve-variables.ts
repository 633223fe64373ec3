import type { ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandText, knownText, unknownText } from "./expand-variables.js";
import type { VarScope } from "./variable-entry.js";

export interface ResolvedScope {
  variables: Record<string, ResolvedVar>;
  /** Circular references (GitLab fails job creation with "circular variable reference detected"). */
  cycles: string[][];
}

/**
 * Expands every variable of a scope the way a job sees it: variables that refer to other
 * variables are expanded recursively (GitLab's `sort_and_expand_all`, then the runner), except
 * `expand: false` values, which stay literal. A reference to a variable defined nowhere stays
 * visibly unknown (`«$NAME»`): it may be a project variable we cannot see. Cycles are cut and
 * reported, never followed.
 */
export function resolveScope(scope: VarScope): ResolvedScope {
  const done = new Map<string, ResolvedText>();
  const cycles: string[][] = [];
  const resolving: string[] = [];

  const resolve = (name: string): ResolvedText | undefined => {
    const cached = done.get(name);
    if (cached) return cached;
    const entry = scope.get(name);
    if (!entry) return undefined;
    if (resolving.includes(name)) {
      cycles.push([...resolving.slice(resolving.indexOf(name)), name]);
      return unknownText(name);
    }
    let value: ResolvedText;
    if (entry.unknown !== undefined) value = unknownText(name);
    else if (!entry.expand) value = knownText(entry.raw);
    else {
      resolving.push(name);
      value = expandText(entry.raw, resolve, { undefinedAs: "unknown" });
      resolving.pop();
    }
    done.set(name, value);
    return value;
  };

  const variables: Record<string, ResolvedVar> = {};
  for (const [name, entry] of scope) {
    const value = resolve(name) ?? unknownText(name);
    variables[name] = { value, raw: entry.raw, origin: entry.origin, ...(entry.pos ? { pos: entry.pos } : {}) };
  }
  return { variables, cycles };
}

/** Expands a text against already-resolved variables (one pass: values are final). */
export function expandWith(
  text: string,
  variables: Record<string, ResolvedVar>,
  undefinedAs: "unknown" | "literal" = "unknown",
): ResolvedText {
  return expandText(text, (n) => variables[n]?.value, { undefinedAs });
}
