import type { ResolvedText } from "../gitlab-ci/pipeline.js";
import { fromResolvedText, holeText, knownText, sameExpandedText, type ExpandedText } from "./expanded-text.js";
import { hasShape } from "./hole-shapes.js";

/**
 * The job's variables as the simulation resolved them (`undefined` = defined nowhere we
 * know). Job variables reach the script as environment variables.
 */
export type VariableResolver = (name: string) => ResolvedText | undefined;

export type VarLookup =
  | { kind: "value"; value: ExpandedText }
  /** `unset X` ran earlier: `$X` is empty for certain. */
  | { kind: "unset" }
  /** Nothing we know defines it (a hole). */
  | { kind: "unknown"; value: ExpandedText };

type VarValue = { kind: "set"; value: ExpandedText } | { kind: "unset" };

/**
 * What the script has done so far to its variables and working directory, in order
 * across `before_script` and `script` (GitLab runs both in one shell).
 */
export class ShellState {
  private readonly vars: Map<string, VarValue>;
  /** The working directory relative to the repository root (empty = the root, where a job starts). */
  cwd: ExpandedText;
  /** Set after `source`/`eval`: any variable not assigned since may have been changed. */
  private taint: string | undefined;
  /** Names marked with `export` (job variables are in the environment already). */
  private readonly exported: Set<string>;

  constructor(
    private readonly resolve: VariableResolver,
    private readonly ids: { next: number } = { next: 0 },
    from?: ShellState,
  ) {
    this.vars = new Map(from?.vars);
    this.cwd = from?.cwd ?? knownText("");
    this.taint = from?.taint;
    this.exported = new Set(from?.exported);
  }

  /** A copy for a subshell or a conditional branch; hole ids stay unique across copies. */
  fork(): ShellState {
    return new ShellState(this.resolve, this.ids, this);
  }

  /**
   * The state a child process (`sh -c …`) starts with: only the environment. A variable
   * the script set without `export` is not passed on, unless it was an environment
   * variable already (the job's variables are; bash exports an inherited variable's new value).
   */
  childShell(): ShellState {
    const child = this.fork();
    for (const name of this.vars.keys()) {
      if (!this.exported.has(name) && this.resolve(name) === undefined) child.vars.delete(name);
    }
    return child;
  }

  markExported(name: string): void {
    this.exported.add(name);
  }

  /** A hole with a fresh identity: its value may differ from every other hole. */
  freshHole(label: string, why: string): ExpandedText {
    return holeText(label, `h${this.ids.next++}`, why);
  }

  lookup(name: string): VarLookup {
    const own = this.vars.get(name);
    if (own?.kind === "set") return { kind: "value", value: own.value };
    if (own?.kind === "unset") return { kind: "unset" };
    if (this.taint) {
      return { kind: "unknown", value: holeText(reassignedLabel(name), `taint:${this.taint}:${name}`, `$${name}: may be set by ${this.taint}`) };
    }
    const resolved = this.resolve(name);
    if (resolved) return { kind: "value", value: fromResolvedText(resolved, `var:${name}:`) };
    // The runner would expand an undefined variable to "", but a project, group or
    // instance variable (invisible in the YAML) may define it, so we cannot say "".
    return {
      kind: "unknown",
      value: holeText(
        `$${name}`,
        `var:${name}`,
        `$${name}: not defined in the CI configuration or the context (it may be a project, group or instance variable)`,
      ),
    };
  }

  assign(name: string, value: ExpandedText): void {
    this.vars.set(name, { kind: "set", value });
  }

  unset(name: string): void {
    this.vars.set(name, { kind: "unset" });
  }

  /** `source file` / `eval …`: from here on, variables not assigned again are unknown. */
  taintAll(why: string): void {
    this.taint = why;
    this.vars.clear();
  }

  /**
   * Continue after a choice we do not evaluate (`if`/`elif`/`else`, `case`, a loop body,
   * the right side of `||`): exactly one of `paths` ran, each forked from this state
   * (pass a plain fork for "no branch ran"). A variable or the working directory keeps
   * its value only when every path leaves the same one; otherwise it is unknown.
   */
  mergeAlternatives(paths: ShellState[], why: string): void {
    const newTaint = paths.find((b) => b.taint !== this.taint)?.taint;
    const names = new Set([...this.vars.keys(), ...paths.flatMap((b) => [...b.vars.keys()])]);
    for (const name of names) {
      // A path that sourced a file forgot its assignments: the value may have changed there.
      const values = paths.map((b) => (b.taint !== this.taint && !b.vars.has(name) ? "changed" : b.vars.get(name)));
      const agreed = values.every((v) => v !== "changed" && sameVarValue(v, values[0] as VarValue | undefined));
      if (agreed) {
        const v = values[0] as VarValue | undefined;
        if (v) this.vars.set(name, v);
        else this.vars.delete(name);
      } else this.vars.set(name, { kind: "set", value: this.freshHole(reassignedLabel(name), `$${name}: ${why}`) });
    }
    if (newTaint) this.taint = newTaint;
    const cwd = paths[0]?.cwd ?? this.cwd;
    this.cwd = paths.every((b) => sameExpandedText(b.cwd, cwd)) ? cwd : this.freshHole("cwd", `working directory: ${why}`);
  }
}

/**
 * The label of a hole for a variable the script may have set itself. `$NAME` alone would read as
 * GitLab's own value, whose shape may be known (`holeShape`: a commit SHA is hex), so such a
 * name says that it may hold anything.
 */
function reassignedLabel(name: string): string {
  return hasShape(name) ? `$${name}, maybe reassigned` : `$${name}`;
}

function sameVarValue(a: VarValue | undefined, b: VarValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.kind === "unset" || b.kind === "unset") return a.kind === b.kind;
  return sameExpandedText(a.value, b.value);
}
