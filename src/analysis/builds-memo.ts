import { findImageBuilds, type FindImageBuildsInput, type ImageBuild } from "../containers/index.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/**
 * `findImageBuilds` remembered per script. The scan is a pure function of the script's lines
 * (text and position), of the answers it got from the variables and the file list, and of the job
 * name, which it only writes into each build's `job`. Jobs built from one template run the same
 * lines, in every context of both revisions (each revision loads its own copy of the lines), so
 * a scan is keyed by the lines' content and replayed, relabelled, when those answers are the
 * same, which they are for most jobs in most contexts. Each call records exactly what it asked.
 */
interface Scan {
  variables: Array<[string, string | undefined]>;
  files: Array<[string, boolean | undefined]>;
  builds: ImageBuild[];
}

const scans = new Map<string, Scan[]>();
/** Distinct scripts kept; beyond it the memo starts again (a bound, not a working-set size). */
const MAX_SCRIPTS = 5000;
/** Distinct answers kept per script: a script built per branch or per job has a few, not thousands. */
const MAX_SCANS_PER_SCRIPT = 16;

const linesKeys = new WeakMap<readonly ScriptLine[], string>();

/** The lines' content, exactly: each line's position and text, length-prefixed. */
function linesKey(lines: readonly ScriptLine[]): string {
  let key = linesKeys.get(lines);
  if (key === undefined) {
    key = `${lines.length}`;
    for (const { text, pos } of lines) key += `\0${pos.file}\0${pos.line}\0${pos.col ?? ""}\0${text.length}:${text}`;
    linesKeys.set(lines, key);
  }
  return key;
}

function textKey(t: ResolvedText | undefined): string | undefined {
  return t === undefined ? undefined : `${t.known ? "k" : "u"}${t.unknowns.join(",")}\0${t.text}`;
}

export function findImageBuildsMemo(
  input: Omit<FindImageBuildsInput, "lines"> & { beforeScript: readonly ScriptLine[]; script: readonly ScriptLine[] },
): ImageBuild[] {
  const { job, beforeScript, script, variables, fileExists } = input;
  const key = `${linesKey(beforeScript)}\u0001${linesKey(script)}`;
  let known = scans.get(key);
  if (!known) {
    if (scans.size >= MAX_SCRIPTS) scans.clear();
    known = [];
    scans.set(key, known);
  }
  for (const s of known) {
    if (!s.variables.every(([name, key]) => textKey(variables(name)) === key)) continue;
    if (!s.files.every(([path, exists]) => fileExists?.(path) === exists)) continue;
    return s.builds.every((b) => b.job === job) ? s.builds : s.builds.map((b) => ({ ...b, job }));
  }
  const asked: Scan = { variables: [], files: [], builds: [] };
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
  return asked.builds;
}
