import type { FileSource } from "../core/file-source.js";
import type { IncludeResolver } from "../gitlab-ci/load/include-resolver.js";
import { parseCompositeAction, parseWorkflow } from "./load-workflows.js";
import type { CompositeAction, Step, Workflow, WorkflowSet } from "./model.js";
import { MAX_COMPOSITE_DEPTH } from "./simulate.js";

/** GitHub: a caller and at most three levels of reusable workflows ("Nesting reusable workflows"). */
const MAX_CALL_DEPTH = 4;

/** `owner/repo/.github/workflows/file.yml@ref`, the form of a reusable workflow in another repository. */
const REMOTE_CALL = /^([^/\s]+\/[^/\s]+)\/(\.github\/workflows\/[^@\s]+\.ya?ml)@(\S+)$/;

/**
 * What the workflows run from elsewhere, read before the simulation (which does no I/O):
 * reusable workflows of other repositories through `remote` (the platform's API with its token,
 * one resolver for base and head so each ref is asked once; absent: they stay unread, saying so), and composite actions of this repository
 * (`uses: ./path` → `path/action.yml`). Returns the set with both added.
 */
export async function loadCalled(set: WorkflowSet, source: FileSource, remote: IncludeResolver | undefined): Promise<WorkflowSet> {
  const called = new Map<string, Workflow>();
  const unreadCalls = new Map<string, string>();
  const actions = new Map<string, CompositeAction>();
  const diagnostics = [...set.diagnostics];
  const files = [...set.files];

  let frontier = set.workflows;
  for (let depth = 1; depth < MAX_CALL_DEPTH && frontier.length > 0; depth++) {
    const next: Workflow[] = [];
    for (const uses of remoteCalls(frontier)) {
      if (called.has(uses) || unreadCalls.has(uses)) continue;
      const m = REMOTE_CALL.exec(uses)!;
      const [, repository, path, ref] = m;
      if (!remote) {
        unreadCalls.set(uses, "reusable workflows of other repositories are read only with the platform's token");
        continue;
      }
      const commit = await remote.commit(repository, ref);
      if (!("found" in commit)) {
        unreadCalls.set(uses, "unread" in commit ? commit.unread : `${repository} has no ref ${ref}`);
        continue;
      }
      const text = await remote.file(repository, commit.found, path);
      if (!("found" in text)) {
        unreadCalls.set(uses, "unread" in text ? text.unread : `${repository} has no ${path} at ${ref}`);
        continue;
      }
      const parsed = parseWorkflow(uses, text.found);
      diagnostics.push(...parsed.diagnostics);
      if (!parsed.workflow) continue;
      called.set(uses, parsed.workflow);
      files.push(uses);
      next.push(parsed.workflow);
    }
    frontier = next;
  }

  // Composite actions of this repository, and the ones they use in turn.
  let steps = [...set.workflows, ...called.values()].flatMap((w) => w.jobs.flatMap((j) => j.steps));
  for (let depth = 0; depth < MAX_COMPOSITE_DEPTH && steps.length > 0; depth++) {
    const found: Step[] = [];
    for (const uses of new Set(steps.flatMap((s) => (s.uses?.value.startsWith("./") ? [s.uses.value] : [])))) {
      if (actions.has(uses)) continue;
      const dir = uses.replace(/^\.\//, "").replace(/\/+$/, "");
      for (const file of [`${dir}/action.yml`, `${dir}/action.yaml`]) {
        const text = await source.read(file);
        if (text === undefined) continue;
        const parsed = parseCompositeAction(file, text);
        diagnostics.push(...parsed.diagnostics);
        if (parsed.action) {
          actions.set(uses, parsed.action);
          files.push(file);
          found.push(...parsed.action.steps);
        }
        break;
      }
    }
    steps = found;
  }
  return { ...set, diagnostics, files, called, unreadCalls, actions };
}

function remoteCalls(workflows: Workflow[]): string[] {
  return [...new Set(workflows.flatMap((w) => w.jobs.flatMap((j) => (j.uses && REMOTE_CALL.test(j.uses.value) ? [j.uses.value] : []))))];
}
