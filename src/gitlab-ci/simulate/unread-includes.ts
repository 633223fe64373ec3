import type { CiConfig, IncludeRecord } from "../model.js";
import type { UnknownInput } from "../pipeline.js";

/**
 * The includes that were not read (remote, template, component, another project's file, a path
 * with an unknown variable), as unknown inputs. An unread include is taken to complete what the
 * files read leave undefined — a job's missing `script` or `stage`, a job or template defined
 * nowhere else, `workflow:rules` — never to replace what they define; so what it could supply is
 * unknown, and the answers that depend on it are uncertain and name it.
 */
export function unreadIncludes(config: CiConfig): UnknownInput[] {
  const out: UnknownInput[] = [];
  const seen = new Set<string>();
  for (const include of config.includes) {
    if (include.status !== "not-analysed") continue;
    const name = describeInclude(include);
    if (seen.has(name)) continue;
    seen.add(name);
    // The reason it was not read (no token, no access, a host not allowed) when the loader knows it.
    out.push({ kind: "include", include: name, why: `not read${include.unread ? ` (${include.unread})` : ""}: what it defines is not known`, pos: include.pos });
  }
  return out;
}

/** Whether some include was not read. */
export function hasUnreadIncludes(config: CiConfig): boolean {
  return config.includes.some((i) => i.status === "not-analysed");
}

/** `component gitlab.com/org/c@1.0`, `project group/templates: ci/a.yml`. */
export function describeInclude(include: IncludeRecord): string {
  return `${include.kind} ${include.project ? `${include.project}: ` : ""}${include.location}`;
}

/**
 * The files read only because an `include:rules` that cannot be decided statically was taken as
 * holding (and the files they include), each with the include as the unknown input: jobs written
 * there may be absent.
 */
export function conditionalFiles(config: CiConfig): Map<string, UnknownInput> {
  const out = new Map<string, UnknownInput>();
  for (const include of config.includes) {
    if (!include.rulesUnknown) continue;
    const input: UnknownInput = { kind: "include", include: describeInclude(include), why: "its include:rules depend on values not known statically", pos: include.pos };
    for (const file of include.files) if (!out.has(file)) out.set(file, input);
  }
  // Includes written in such a file are as conditional as it is.
  for (let grew = out.size > 0; grew; ) {
    grew = false;
    for (const include of config.includes) {
      const input = out.get(include.pos.file);
      if (!input) continue;
      for (const file of include.files) {
        if (out.has(file)) continue;
        out.set(file, input);
        grew = true;
      }
    }
  }
  return out;
}
