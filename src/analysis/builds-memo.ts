import { findImageBuilds, scriptMayBuild, type FindImageBuildsInput, type ImageBuild } from "../containers/index.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/**
 * `findImageBuilds` remembered per script. The scan is a pure function of the script's lines
 * (text and position), of the answers it got from the variables and the file list, and of the job
 * name, which it only writes into each build's `job`. Jobs built from one template run the same
 * lines, in every context of both revisions (each revision loads its own copy of the lines), so
 * a scan is keyed by the lines' content and replayed, relabelled, when those answers are the
 * same, which they are for most jobs in most contexts.
 *
 * The scan asks its questions in an order fixed by the lines and the answers so far, so the scans
 * of one script form a tree: each step is the next question, each branch one answer, each leaf the
 * builds. A replay asks only the questions on its path, however many jobs (each with its own
 * `NAME`) share the template.
 */
type Answer = string | boolean | undefined;

interface Question {
  kind: "variable" | "file";
  name: string;
  next: Map<Answer, Step>;
}

type Step = Question | { kind: "builds"; builds: ImageBuild[] };

/** One script's scans; `first` is undefined until the first scan. */
interface ScriptScans {
  first: Step | undefined;
}

/** A script that cannot build (`scriptMayBuild`): no scan, whatever the variables. */
const CANNOT_BUILD = null;

let byContent = new Map<string, ScriptScans>();
/** The same, by the identity of the job's two line arrays (a revision's jobs share them). */
let byLines = new WeakMap<readonly ScriptLine[], WeakMap<readonly ScriptLine[], ScriptScans | typeof CANNOT_BUILD>>();
let byScript = new WeakMap<readonly ScriptLine[], ScriptScans | typeof CANNOT_BUILD>();
let leaves = 0;
/** Distinct scripts kept; beyond it the memo starts again (a bound, not a working-set size). */
const MAX_SCRIPTS = 5000;
/** Scans kept over all scripts (a template per job, each with its own values, has one per job). */
const MAX_SCANS = 50_000;

const NO_BUILDS: ImageBuild[] = [];

/** The lines' content, exactly: each line's position and text, length-prefixed. */
function linesKey(lines: readonly ScriptLine[]): string {
  let key = `${lines.length}`;
  for (const { text, pos } of lines) key += `\0${pos.file}\0${pos.line}\0${pos.col ?? ""}\0${text.length}:${text}`;
  return key;
}

function textKey(t: ResolvedText | undefined): string | undefined {
  return t === undefined ? undefined : `${t.known ? "k" : "u"}${t.unknowns.join(",")}\0${t.text}`;
}

function scansOf(beforeScript: readonly ScriptLine[], script: readonly ScriptLine[]): ScriptScans | typeof CANNOT_BUILD {
  // Most jobs have no before_script (each its own empty array): one lookup, by the script.
  let inner = beforeScript.length === 0 ? byScript : byLines.get(beforeScript);
  const known = inner?.get(script);
  if (known !== undefined) return known;
  // The runner runs before_script and script in one shell (after_script in another).
  const lines = [...beforeScript, ...script];
  const scans = scriptMayBuild(lines) ? contentScans(`${linesKey(beforeScript)}\u0001${linesKey(script)}`) : CANNOT_BUILD;
  if (!inner) byLines.set(beforeScript, (inner = new WeakMap()));
  inner.set(script, scans);
  return scans;
}

function contentScans(key: string): ScriptScans {
  let scans = byContent.get(key);
  if (!scans) {
    if (byContent.size >= MAX_SCRIPTS) forget();
    scans = { first: undefined };
    byContent.set(key, scans);
  }
  return scans;
}

function forget(): void {
  byContent = new Map();
  byLines = new WeakMap();
  byScript = new WeakMap();
  leaves = 0;
}

export function findImageBuildsMemo(
  input: Omit<FindImageBuildsInput, "lines"> & { beforeScript: readonly ScriptLine[]; script: readonly ScriptLine[] },
): ImageBuild[] {
  const { job, beforeScript, script, variables, fileExists } = input;
  const scans = scansOf(beforeScript, script);
  if (!scans) return NO_BUILDS;
  const answer = (q: { kind: Question["kind"]; name: string }): Answer => (q.kind === "variable" ? textKey(variables(q.name)) : fileExists?.(q.name));

  let step = scans.first;
  while (step?.kind === "variable" || step?.kind === "file") step = step.next.get(answer(step));
  // Relabelled without a spread-then-add copy, which would give each build a hidden class of its own.
  if (step?.kind === "builds") return step.builds.every((b) => b.job === job) ? step.builds : step.builds.map((b) => Object.assign({}, b, { job }));

  // Not seen with these answers: scan, recording each question once (the answer cannot change
  // within one job), then add the path to the tree.
  const asked: Array<{ kind: Question["kind"]; name: string; answer: Answer }> = [];
  const seen = new Set<string>();
  const record = (kind: Question["kind"], name: string, value: Answer) => {
    const id = `${kind}\0${name}`;
    if (seen.has(id)) return;
    seen.add(id);
    asked.push({ kind, name, answer: value });
  };
  const builds = findImageBuilds({
    job,
    lines: [...beforeScript, ...script],
    variables: (name) => {
      const value = variables(name);
      record("variable", name, textKey(value));
      return value;
    },
    ...(fileExists
      ? {
          fileExists: (path: string) => {
            const exists = fileExists(path);
            record("file", path, exists);
            return exists;
          },
        }
      : {}),
  });
  if (leaves >= MAX_SCANS) forget();
  else add(scans, asked, builds);
  return builds;
}

function add(scans: ScriptScans, asked: Array<{ kind: Question["kind"]; name: string; answer: Answer }>, builds: ImageBuild[]): void {
  const leaf: Step = { kind: "builds", builds };
  if (asked.length === 0) {
    scans.first = leaf;
  } else {
    let at: Question | undefined = scans.first?.kind === "variable" || scans.first?.kind === "file" ? scans.first : undefined;
    if (!at) scans.first = at = { kind: asked[0].kind, name: asked[0].name, next: new Map() };
    for (let k = 0; k < asked.length; k++) {
      // The scan is deterministic, so the tree asks what it asked; anything else is left alone.
      if (at.kind !== asked[k].kind || at.name !== asked[k].name) return;
      const last = k === asked.length - 1;
      const existing: Step | undefined = at.next.get(asked[k].answer);
      if (last) {
        at.next.set(asked[k].answer, leaf);
        break;
      }
      if (existing?.kind === "variable" || existing?.kind === "file") {
        at = existing;
        continue;
      }
      const next: Question = { kind: asked[k + 1].kind, name: asked[k + 1].name, next: new Map() };
      at.next.set(asked[k].answer, next);
      at = next;
    }
  }
  leaves++;
}
