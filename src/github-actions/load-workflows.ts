import { error, warning, type Diagnostic } from "../core/diagnostic.js";
import type { FileSource } from "../core/file-source.js";
import type { Located, Pos } from "../core/pos.js";
import type { ScriptLine } from "../gitlab-ci/model.js";
import { DEFAULT_LOAD_LIMITS } from "../gitlab-ci/load/limits.js";
import { describeNode, mapEntry, mapGet, scalarText, type YMap, type YNode } from "../gitlab-ci/yaml/node.js";
import { parseYaml } from "../gitlab-ci/yaml/parse-yaml.js";
import type {
  CompositeAction,
  Concurrency,
  ContainerDef,
  EnvEntry,
  FilterKey,
  InputDef,
  PatternFilter,
  Step,
  Trigger,
  Workflow,
  WorkflowJob,
  WorkflowSet,
} from "./model.js";

export const WORKFLOWS_DIR = ".github/workflows";

/** GitHub reads workflow files directly in `.github/workflows` (not in subfolders), `.yml` or `.yaml`. */
export function isWorkflowPath(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

/** Load every workflow of a revision. One bad file does not hide the others. */
export async function loadWorkflows(source: FileSource): Promise<WorkflowSet> {
  const paths = (await source.list(WORKFLOWS_DIR)).filter(isWorkflowPath).sort();
  const workflows: Workflow[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const text = await source.read(path);
    if (text === undefined) continue;
    const r = parseWorkflow(path, text);
    diagnostics.push(...r.diagnostics);
    if (r.workflow) workflows.push(r.workflow);
  }
  return { workflows, diagnostics, files: paths };
}

/**
 * A composite action's `action.yml`: its inputs and steps, or undefined when it is another kind
 * of action (JavaScript, Docker), whose steps are not there to read.
 */
export function parseCompositeAction(file: string, text: string): { action?: CompositeAction; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(file, text, DEFAULT_LOAD_LIMITS, { schema: "core-1.2" });
  const diagnostics = [...parsed.diagnostics];
  const root = parsed.body;
  if (diagnostics.some((d) => d.severity === "error") || !root || root.kind !== "map") return { diagnostics };
  const runs = mapGet(root, "runs");
  const using = mapGet(runs, "using");
  if (using?.kind !== "scalar" || scalarText(using) !== "composite") return { diagnostics };
  const b = new Builder(diagnostics);
  const inputsNode = mapGet(root, "inputs");
  const inputs = inputsNode?.kind === "map"
    ? [...inputsNode.entries.values()].map((e) => {
        const d = mapGet(e.value, "default");
        return d?.kind === "scalar" && d.value !== null ? { name: e.key, default: { value: scalarText(d), pos: d.pos } } : { name: e.key };
      })
    : [];
  return { action: { file, inputs, steps: b.compositeSteps(mapGet(runs, "steps")) }, diagnostics };
}

/**
 * One workflow file, read with the project's position-carrying parser in YAML 1.2 core mode:
 * GitHub's parser keeps `on:` (and `yes`, `off`, ...) as strings, unlike GitLab's YAML 1.1.
 */
export function parseWorkflow(file: string, text: string): { workflow?: Workflow; diagnostics: Diagnostic[] } {
  const parsed = parseYaml(file, text, DEFAULT_LOAD_LIMITS, { schema: "core-1.2" });
  const diagnostics = [...parsed.diagnostics];
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };
  const root = parsed.body;
  const filePos: Pos = { file, line: 1 };
  if (!root || root.kind !== "map") {
    diagnostics.push(error("invalid-type", `${file}: a workflow must be a mapping with \`on:\` and \`jobs:\``, root?.pos ?? filePos));
    return { diagnostics };
  }
  const b = new Builder(diagnostics);
  const onEntry = mapEntry(root, "on");
  if (!onEntry) diagnostics.push(error("config-invalid", `${file}: missing \`on:\` (the events that trigger the workflow)`, root.pos));
  const jobsNode = mapGet(root, "jobs");
  if (!jobsNode) diagnostics.push(error("config-invalid", `${file}: missing \`jobs:\``, root.pos));
  const nameNode = mapGet(root, "name");
  const workflow: Workflow = {
    file,
    name: nameNode?.kind === "scalar" && nameNode.value !== null ? scalarText(nameNode) : file,
    pos: root.pos,
    triggers: onEntry ? b.triggers(onEntry.value) : [],
    env: b.env(mapGet(root, "env")),
    concurrency: b.concurrency(mapGet(root, "concurrency")),
    jobs: jobsNode ? b.jobs(jobsNode) : [],
  };
  return { workflow, diagnostics };
}

const FILTER_KEYS: readonly FilterKey[] = ["branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"];

class Builder {
  constructor(private readonly diagnostics: Diagnostic[]) {}

  private bad(node: YNode, what: string, expected: string): void {
    this.diagnostics.push(error("invalid-type", `${what} must be ${expected}, not ${describeNode(node)}`, node.pos));
  }

  /** A scalar as the text GitHub would see; undefined (with a diagnostic) for lists and maps. */
  text(node: YNode | undefined, what: string): Located<string> | undefined {
    if (!node || (node.kind === "scalar" && node.value === null)) return undefined;
    if (node.kind !== "scalar") {
      this.bad(node, what, "a string");
      return undefined;
    }
    return { value: scalarText(node), pos: node.pos };
  }

  /** A string or a list of strings. */
  texts(node: YNode | undefined, what: string): Located<string>[] {
    if (!node || (node.kind === "scalar" && node.value === null)) return [];
    if (node.kind === "scalar") return [{ value: scalarText(node), pos: node.pos }];
    if (node.kind === "seq") return node.items.flatMap((i) => this.text(i, `${what} item`) ?? []);
    this.bad(node, what, "a string or a list");
    return [];
  }

  triggers(node: YNode): Trigger[] {
    const blank = (event: string, pos: Pos): Trigger => ({ event, pos, filters: {}, crons: [], inputs: [], workflows: [] });
    if (node.kind === "scalar") return [blank(scalarText(node), node.pos)];
    if (node.kind === "seq") return this.texts(node, "on").map((t) => blank(t.value, t.pos));
    if (node.kind !== "map") {
      this.bad(node, "on", "an event, a list or a mapping");
      return [];
    }
    const out: Trigger[] = [];
    for (const { key, keyPos, value } of node.entries.values()) {
      const t = blank(key, keyPos);
      if (key === "schedule") {
        if (value.kind === "seq") {
          for (const item of value.items) {
            const cron = this.text(mapGet(item, "cron"), "schedule cron");
            if (cron) t.crons.push(cron);
          }
        } else if (!(value.kind === "scalar" && value.value === null)) this.bad(value, "on.schedule", "a list of `- cron:` entries");
      } else if (value.kind === "map") {
        const types = mapGet(value, "types");
        if (types) t.types = this.texts(types, `on.${key}.types`);
        for (const fk of FILTER_KEYS) {
          const f = mapEntry(value, fk);
          if (f) t.filters[fk] = { key: fk, patterns: this.texts(f.value, `on.${key}.${fk}`), pos: f.keyPos } satisfies PatternFilter;
        }
        for (const fk of ["branches", "tags", "paths"] as const) {
          // "If you define a branch with the ! character, you must also define at least one
          // branch without the ! character" (workflow syntax): with only `!` patterns nothing
          // is ever selected, so the event never runs the workflow.
          const f = t.filters[fk];
          if (f && f.patterns.length > 0 && f.patterns.every((p) => p.value.startsWith("!"))) {
            this.diagnostics.push(warning("invalid-value", `on.${key}.${fk}: every pattern starts with \`!\`, so nothing is selected; add one pattern without the \`!\`, or use \`${fk}-ignore\``, f.pos));
          }
        }
        for (const [a, b] of [
          ["branches", "branches-ignore"],
          ["tags", "tags-ignore"],
          ["paths", "paths-ignore"],
        ] as const) {
          if (t.filters[a] && t.filters[b]) {
            this.diagnostics.push(error("config-invalid", `on.${key}: \`${a}\` and \`${b}\` cannot both be used for one event`, t.filters[b]!.pos));
          }
        }
        t.inputs = this.inputs(mapGet(value, "inputs"));
        t.workflows = this.texts(mapGet(value, "workflows"), `on.${key}.workflows`);
      } else if (!(value.kind === "scalar" && value.value === null)) {
        this.bad(value, `on.${key}`, "a mapping");
      }
      out.push(t);
    }
    return out;
  }

  private inputs(node: YNode | undefined): InputDef[] {
    if (!node || node.kind !== "map") return [];
    return [...node.entries.values()].map(({ key, keyPos, value }) => {
      const def = mapGet(value, "default");
      const type = mapGet(value, "type");
      const required = mapGet(value, "required");
      return {
        name: key,
        type: type?.kind === "scalar" ? scalarText(type) : undefined,
        default: def?.kind === "scalar" ? def.value : undefined,
        required: required?.kind === "scalar" && required.value === true,
        pos: keyPos,
      };
    });
  }

  env(node: YNode | undefined): EnvEntry[] {
    if (!node || (node.kind === "scalar" && node.value === null)) return [];
    if (node.kind === "scalar") {
      // `env: ${{ fromJSON(...) }}` — a whole-map expression; kept as one unknown entry.
      return [{ name: "*", value: scalarText(node), pos: node.pos }];
    }
    if (node.kind !== "map") {
      this.bad(node, "env", "a mapping");
      return [];
    }
    return [...node.entries.values()].map(({ key, keyPos, value }) => ({
      name: key,
      value: value.kind === "scalar" ? scalarText(value) : "",
      pos: keyPos,
    }));
  }

  concurrency(node: YNode | undefined): Concurrency | undefined {
    if (!node || (node.kind === "scalar" && node.value === null)) return undefined;
    if (node.kind === "scalar") return { group: { value: scalarText(node), pos: node.pos }, pos: node.pos };
    if (node.kind !== "map") {
      this.bad(node, "concurrency", "a group name or a mapping");
      return undefined;
    }
    const group = this.text(mapGet(node, "group"), "concurrency.group");
    if (!group) {
      this.diagnostics.push(error("config-invalid", "concurrency needs a `group:`", node.pos));
      return undefined;
    }
    return { group, cancelInProgress: this.text(mapGet(node, "cancel-in-progress"), "concurrency.cancel-in-progress"), pos: node.pos };
  }

  private container(node: YNode | undefined, name?: string): ContainerDef | undefined {
    if (!node || (node.kind === "scalar" && node.value === null)) return undefined;
    if (node.kind === "scalar") return { image: { value: scalarText(node), pos: node.pos }, name, pos: node.pos };
    const image = this.text(mapGet(node, "image"), "container.image");
    return image ? { image, name, pos: node.pos } : undefined;
  }

  jobs(node: YNode): WorkflowJob[] {
    if (node.kind !== "map") {
      this.bad(node, "jobs", "a mapping of job ids");
      return [];
    }
    const jobs: WorkflowJob[] = [];
    for (const { key, keyPos, value } of node.entries.values()) {
      if (value.kind !== "map") {
        this.bad(value, `job ${key}`, "a mapping");
        continue;
      }
      if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(key)) {
        this.diagnostics.push(error("invalid-value", `job id '${key}' must start with a letter or '_' and contain only letters, digits, '-' and '_'`, keyPos));
      }
      jobs.push(this.job(key, keyPos, value));
    }
    return jobs;
  }

  private job(id: string, pos: Pos, node: YMap): WorkflowJob {
    const strategy = mapGet(node, "strategy");
    const servicesNode = mapGet(node, "services");
    const services: ContainerDef[] = [];
    if (servicesNode?.kind === "map") {
      for (const e of servicesNode.entries.values()) {
        const c = this.container(e.value, e.key);
        if (c) services.push(c);
      }
    }
    const withNode = mapGet(node, "with");
    const withValues: Record<string, Located<unknown>> = {};
    if (withNode?.kind === "map") {
      for (const e of withNode.entries.values()) withValues[e.key] = { value: e.value.kind === "scalar" ? e.value.value : undefined, pos: e.value.pos };
    }
    const runsOn = mapGet(node, "runs-on");
    const environment = mapGet(node, "environment");
    return {
      id,
      pos,
      name: this.text(mapGet(node, "name"), `jobs.${id}.name`),
      if: ifText(mapGet(node, "if")),
      needs: this.texts(mapGet(node, "needs"), `jobs.${id}.needs`),
      runsOn: runsOn ? { value: runsOn.kind === "scalar" ? scalarText(runsOn) : runsOnText(runsOn), pos: runsOn.pos } : undefined,
      container: this.container(mapGet(node, "container")),
      services,
      matrix: mapGet(strategy, "matrix"),
      env: this.env(mapGet(node, "env")),
      steps: this.steps(mapGet(node, "steps"), id),
      uses: this.text(mapGet(node, "uses"), `jobs.${id}.uses`),
      with: withValues,
      concurrency: this.concurrency(mapGet(node, "concurrency")),
      environment: environment?.kind === "scalar" ? this.text(environment, "environment") : this.text(mapGet(environment, "name"), "environment.name"),
      continueOnError: this.text(mapGet(node, "continue-on-error"), `jobs.${id}.continue-on-error`),
    };
  }

  /** The steps of a composite action (`runs.steps`): the same shape as a job's. */
  compositeSteps(node: YNode | undefined): Step[] {
    return this.steps(node, "(composite action)");
  }

  private steps(node: YNode | undefined, jobId: string): Step[] {
    if (!node) return [];
    if (node.kind !== "seq") {
      this.bad(node, `jobs.${jobId}.steps`, "a list");
      return [];
    }
    return node.items.flatMap((item, index): Step[] => {
      if (item.kind !== "map") {
        this.bad(item, `jobs.${jobId}.steps[${index}]`, "a mapping");
        return [];
      }
      const withNode = mapGet(item, "with");
      const withValues: Record<string, Located<string>> = {};
      if (withNode?.kind === "map") {
        for (const e of withNode.entries.values()) {
          const t = this.text(e.value, `with.${e.key}`);
          if (t) withValues[e.key] = t;
        }
      }
      const run = this.text(mapGet(item, "run"), "run");
      const uses = this.text(mapGet(item, "uses"), "uses");
      if (run && uses) this.diagnostics.push(error("config-invalid", "a step has either `uses:` or `run:`, not both", item.pos));
      return [
        {
          index,
          pos: item.pos,
          id: this.text(mapGet(item, "id"), "id")?.value,
          name: this.text(mapGet(item, "name"), "name")?.value,
          if: ifText(mapGet(item, "if")),
          uses,
          run: run ? scriptLines(run) : undefined,
          with: withValues,
          env: this.env(mapGet(item, "env")),
          workingDirectory: this.text(mapGet(item, "working-directory"), "working-directory")?.value,
        },
      ];
    });
  }
}

/** `if:` may be a boolean literal in YAML (`if: false`): GitHub reads it as that expression. */
function ifText(node: YNode | undefined): Located<string> | undefined {
  if (!node || node.kind !== "scalar" || node.value === null) return undefined;
  return { value: scalarText(node), pos: node.pos };
}

function runsOnText(node: YNode): string {
  if (node.kind === "seq") return node.items.map((i) => (i.kind === "scalar" ? scalarText(i) : "…")).join(", ");
  if (node.kind === "map") {
    const group = mapGet(node, "group");
    const labels = mapGet(node, "labels");
    return [group?.kind === "scalar" ? `group ${scalarText(group)}` : "", labels ? runsOnText(labels) : ""].filter(Boolean).join(", ");
  }
  return node.kind === "scalar" ? scalarText(node) : "";
}

/**
 * Lines of a `run:` script with their own line numbers. A block scalar (`run: |`) starts on
 * the line after its indicator; a plain one-line value is on the key's line.
 */
function scriptLines(run: Located<string>): ScriptLine[] {
  const lines = run.value.replace(/\n$/, "").split("\n");
  const first = lines.length > 1 || run.value.endsWith("\n") ? run.pos.line + 1 : run.pos.line;
  return lines.map((text, i) => ({ text, pos: { file: run.pos.file, line: first + i } }));
}
