import { findImageBuilds, type FindImageBuildsInput, type ImageBuild } from "../containers/index.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/**
 * `findImageBuilds` remembered per script. A job's script is the same array in every context
 * the analysis simulates, and the scan is a pure function of the script, the job name, and the
 * answers it got from the variables and the file list; so it is replayed when those answers are
 * the same, which they are for most jobs in most contexts. Each call records exactly what it asked.
 */
interface Scan {
  job: string;
  before: readonly ScriptLine[];
  variables: Array<[string, string | undefined]>;
  files: Array<[string, boolean | undefined]>;
  builds: ImageBuild[];
}

const scans = new WeakMap<readonly ScriptLine[], Scan[]>();
/** Distinct answers kept per script: a job built per branch has a few, not thousands. */
const MAX_SCANS_PER_SCRIPT = 8;

function textKey(t: ResolvedText | undefined): string | undefined {
  return t === undefined ? undefined : `${t.known ? "k" : "u"}${t.unknowns.join(",")}\0${t.text}`;
}

export function findImageBuildsMemo(
  input: Omit<FindImageBuildsInput, "lines"> & { beforeScript: readonly ScriptLine[]; script: readonly ScriptLine[] },
): ImageBuild[] {
  const { job, beforeScript, script, variables, fileExists } = input;
  const known = scans.get(script) ?? [];
  for (const s of known) {
    if (s.job !== job || s.before !== beforeScript) continue;
    if (!s.variables.every(([name, key]) => textKey(variables(name)) === key)) continue;
    if (!s.files.every(([path, exists]) => fileExists?.(path) === exists)) continue;
    return s.builds;
  }
  const asked: Scan = { job, before: beforeScript, variables: [], files: [], builds: [] };
  asked.builds = findImageBuilds({
    job,
    // The runner runs before_script and script in one shell (after_script in another).
    lines: [...beforeScript, ...script],
    variables: (name) => {
      const value = variables(name);
      asked.variables.push([name, textKey(value)]);
      return value;
    },
    ...(fileExists
      ? {
          fileExists: (path: string) => {
            const exists = fileExists(path);
            asked.files.push([path, exists]);
            return exists;
          },
        }
      : {}),
  });
  if (known.length >= MAX_SCANS_PER_SCRIPT) known.shift();
  known.push(asked);
  scans.set(script, known);
  return asked.builds;
}
