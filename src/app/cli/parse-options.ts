import { UsageError } from "./command.js";

/**
 * Checks of the flags several commands share, so that `--project`, `--format` and `--var`
 * mean the same and fail with the same words everywhere. Each throws a UsageError (exit 2).
 */

/** `--project NAMESPACE/NAME`: a GitLab project path has a namespace, subgroups allowed. */
export function checkProjectPath(project: string | undefined): void {
  if (project !== undefined && !/^[^/\s]+(\/[^/\s]+)+$/.test(project)) {
    throw new UsageError(`--project must look like namespace/name, not "${project}"`);
  }
}

/** `--format F`, one of the command's `formats`. */
export function parseFormat<F extends string>(value: string, formats: readonly [F, ...F[]]): F {
  if ((formats as readonly string[]).includes(value)) return value as F;
  const named = formats.length === 1 ? formats[0] : `${formats.slice(0, -1).join(", ")} or ${formats[formats.length - 1]}`;
  throw new UsageError(`--format must be ${named}, not "${value}"`);
}

/**
 * Repeated `--var NAME=VALUE` flags, in order (a later one wins). With `allowUnset`,
 * `--var NAME` without "=" unsets the variable (its value is undefined); without it, that
 * is a usage error. A Map, so that a name such as `__proto__` is a variable like any other.
 */
export function parseVarFlags(assignments: readonly string[], allowUnset: true): Map<string, string | undefined>;
export function parseVarFlags(assignments: readonly string[], allowUnset: false): Map<string, string>;
export function parseVarFlags(assignments: readonly string[], allowUnset: boolean): Map<string, string | undefined> {
  const variables = new Map<string, string | undefined>();
  for (const assignment of assignments) {
    const eq = assignment.indexOf("=");
    if (eq === 0) throw new UsageError(`--var ${assignment}: missing the variable name`);
    if (eq > 0) variables.set(assignment.slice(0, eq), assignment.slice(eq + 1));
    else if (allowUnset) variables.set(assignment, undefined);
    else throw new UsageError(`--var must be NAME=VALUE, not "${assignment}"`);
  }
  return variables;
}

/** `SOURCE:TARGET` of `--mr`/`--pr`. */
export function splitRefPair(flag: string, text: string): { source: string; target: string } {
  const colon = text.indexOf(":");
  if (colon <= 0 || colon === text.length - 1) throw new UsageError(`${flag} must be SOURCE:TARGET, not "${text}"`);
  return { source: text.slice(0, colon), target: text.slice(colon + 1) };
}
