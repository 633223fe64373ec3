import type { ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandText, knownText, unknownText } from "./expand-variables.js";
import type { VarEntry, VarScope } from "./variable-entry.js";

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
    const constant = constantOf(entry);
    if (constant) return constant.value;
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
    const constant = constantOf(entry);
    if (constant) {
      variables[name] = constant;
      continue;
    }
    const value = resolve(name) ?? unknownText(name);
    variables[name] = { value, raw: entry.raw, origin: entry.origin, ...(entry.pos ? { pos: entry.pos } : {}) };
  }
  return { variables, cycles };
}

/**
 * A variable whose value refers to no other variable (unknown, `expand: false`, or plain text)
 * resolves the same in every scope. The predefined and top-level entries are the same objects for
 * every job of a pipeline, so each is resolved once, not once per job.
 */
const constants = new WeakMap<VarEntry, ResolvedVar>();

function constantOf(entry: VarEntry): ResolvedVar | undefined {
  return resolvedVarOf(entry);
}

/** The resolved form of an entry that refers to no other variable; undefined for one that does. */
export function resolvedVarOf(entry: VarEntry): ResolvedVar | undefined {
  const known = constants.get(entry);
  if (known) return known;
  let value: ResolvedText;
  if (entry.unknown !== undefined) value = unknownText(entry.name);
  else if (!entry.expand || !entry.raw.includes("$")) value = knownText(entry.raw);
  else return undefined;
  const resolved: ResolvedVar = { value, raw: entry.raw, origin: entry.origin, ...(entry.pos ? { pos: entry.pos } : {}) };
  constants.set(entry, resolved);
  return resolved;
}

/** Expands a text against already-resolved variables (one pass: values are final). */
export function expandWith(
  text: string,
  variables: Record<string, ResolvedVar>,
  undefinedAs: "unknown" | "literal" = "unknown",
): ResolvedText {
  return expandText(text, (n) => variables[n]?.value, { undefinedAs });
}
