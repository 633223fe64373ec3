import type { ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandText, unknownText } from "./expand-variables.js";
import { resolveScope, resolvedVarOf, type ResolvedScope } from "./resolve-variables.js";
import type { VarEntry, VarLookup, VarScope } from "./variable-entry.js";

/**
 * Job variables as layers, not copies. Every job of a pipeline sees the same ≈100 pipeline-level
 * variables (predefined, top-level, workflow, context) and only a handful of its own (CI_JOB_*,
 * `variables:`, matrix, `rules:variables`). Copying the whole set per job per context was most of
 * the simulation's memory and GC time, so a job keeps only what differs from the pipeline's table
 * and resolves a variable when something reads it. The answers are exactly those of resolving the
 * job's full scope (`resolveScope`): a pipeline-level value is reused only when it refers to
 * nothing the job changes, and anything involving a cycle falls back to the full resolution so the
 * cycle is reported exactly as before.
 */

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The names a raw value refers to (GitLab's `$VAR`/`${VAR}`, `$$` is an escaped `$`). */
function referencesIn(raw: string): string[] {
  const out: string[] = [];
  for (const m of raw.matchAll(REFERENCE)) {
    const name = m[1] ?? m[2];
    if (name) out.push(name);
  }
  return out;
}

function expands(entry: VarEntry): boolean {
  return entry.unknown === undefined && entry.expand && entry.raw.includes("$");
}

/** The variables every job of one pipeline starts from, resolved once (lazily). */
export class PipelineTable {
  private resolvedScope: ResolvedScope | undefined;
  private readonly dependencies = new Map<string, ReadonlySet<string>>();

  constructor(
    /** Predefined (pipeline phase), top-level and workflow variables, then the context's, minus what it unsets. */
    readonly scope: VarScope,
    /** Names the context sets: they win over every job-level definition except none. */
    readonly contextSets: ReadonlySet<string>,
    readonly contextUnsets: ReadonlySet<string>,
  ) {}

  private userNames: string[] | undefined;

  /** Names in the table that are not predefined (top-level, workflow, context). */
  get nonPredefined(): string[] {
    return (this.userNames ??= [...this.scope.values()].filter((e) => e.origin !== "predefined").map((e) => e.name));
  }

  get resolved(): ResolvedScope {
    return (this.resolvedScope ??= resolveScope(this.scope));
  }

  /** Every name `name`'s value refers to, directly or through other pipeline-level variables. */
  dependsOn(name: string): ReadonlySet<string> {
    const known = this.dependencies.get(name);
    if (known) return known;
    const out = new Set<string>();
    // Placed before the walk so that a (reported) cycle ends it.
    this.dependencies.set(name, out);
    const entry = this.scope.get(name);
    if (entry && expands(entry)) {
      for (const ref of referencesIn(entry.raw)) {
        out.add(ref);
        for (const d of this.dependsOn(ref)) out.add(d);
      }
    }
    return out;
  }
}

/** A job's layers, lowest precedence first, as `buildScope` takes them after the pipeline's predefined ones. */
export interface JobLayers {
  /** CI_JOB_NAME, CI_JOB_STAGE, CI_NODE_*. */
  jobPhase: VarEntry[];
  /** The top-level and workflow variables the job inherits (`inherit:variables`). */
  inherited: VarEntry[];
  /** Every top-level and workflow variable (what the table holds). */
  root: VarEntry[];
  job: VarEntry[];
  matrix: VarEntry[];
}

/**
 * What a job's scope says differently from its pipeline's table, computed from the layers in
 * the precedence `buildScope` applies (predefined < job-phase predefined < inherited root < job <
 * matrix < context, then the context's unsets): only names a job layer touches can differ.
 */
export function ownEntries(table: PipelineTable, predefined: ReadonlyMap<string, VarEntry>, layers: JobLayers): Map<string, VarEntry | null> {
  const own = new Map<string, VarEntry | null>();
  if (layers.inherited.length !== layers.root.length) {
    const kept = new Set(layers.inherited);
    // Not inherited: the job sees what lies below the root layer (a predefined variable) or nothing.
    for (const e of layers.root) if (!kept.has(e)) own.set(e.name, predefined.get(e.name) ?? null);
  }
  const inheritedNames = new Set<string>();
  for (const e of layers.inherited) inheritedNames.add(e.name);
  for (const e of layers.jobPhase) if (!inheritedNames.has(e.name)) own.set(e.name, e);
  for (const e of layers.job) own.set(e.name, e);
  for (const e of layers.matrix) own.set(e.name, e);
  for (const [name, entry] of own) {
    // The context's values and unsets win over every job layer, exactly as in the table.
    if (table.contextSets.has(name) || table.contextUnsets.has(name) || table.scope.get(name) === (entry ?? undefined)) own.delete(name);
  }
  return own;
}

/**
 * One job's view: its own entries (`null` = absent for this job, e.g. a top-level variable it
 * does not inherit) over the pipeline's table. `materialise` builds the full scope the old way,
 * in GitLab's precedence order, for the report and for exact cycle errors.
 */
export class JobScope implements VarLookup {
  // Made on first use: 200,000 job views live at once in a big analysis, most never resolve anything.
  private values: Map<string, ResolvedText> | undefined;
  private resolving: string[] | undefined;
  private cyclic = false;

  constructor(
    readonly table: PipelineTable,
    readonly own: ReadonlyMap<string, VarEntry | null>,
    readonly materialise: () => VarScope,
  ) {}

  get(name: string): VarEntry | undefined {
    const mine = this.own.get(name);
    if (mine !== undefined) return mine ?? undefined;
    return this.table.scope.get(name);
  }

  /** `rules:variables` of the matched rule: they override job and matrix variables, not the context's. */
  withRule(entries: VarEntry[], materialise: () => VarScope): JobScope {
    if (entries.length === 0) return new JobScope(this.table, this.own, materialise);
    const own = new Map(this.own);
    for (const e of entries) if (!this.table.contextSets.has(e.name)) own.set(e.name, e);
    return new JobScope(this.table, own, materialise);
  }

  /** Whether resolving the full scope would report a circular reference. */
  hasCycle(): boolean {
    if (this.table.resolved.cycles.length > 0) return true;
    // A cycle that exists for this job and not in the table goes through one of its own entries.
    for (const [name, entry] of this.own) if (entry && expands(entry)) this.resolve(name);
    return this.cyclic;
  }

  /** A variable's expanded value as the job sees it; undefined when the job does not have it. */
  resolve(name: string): ResolvedText | undefined {
    const done = this.values?.get(name);
    if (done) return done;
    const entry = this.get(name);
    if (!entry) return undefined;
    if (!expands(entry)) return (resolvedVarOf(entry) as ResolvedVar).value;
    if (!this.own.has(name) && !this.readsOwn(name)) return this.table.resolved.variables[name]?.value ?? unknownText(name);
    const resolving = (this.resolving ??= []);
    if (resolving.includes(name)) {
      this.cyclic = true;
      return unknownText(name);
    }
    resolving.push(name);
    const value = expandText(entry.raw, (n) => this.resolve(n), { undefinedAs: "unknown" });
    resolving.pop();
    (this.values ??= new Map()).set(name, value);
    return value;
  }

  private readsOwn(name: string): boolean {
    for (const d of this.table.dependsOn(name)) if (this.own.has(d)) return true;
    return false;
  }
}

/**
 * The job's `variables` record: it answers `variables[name]` from the layers and builds the full
 * record (every variable, in GitLab's precedence order) only when something enumerates it — the
 * report, the JSON output, a test's deep equality. Spreading a job copies the reference, not the
 * set.
 */
export function lazyVariables(scope: JobScope): Record<string, ResolvedVar> {
  let full: Record<string, ResolvedVar> | undefined;
  const all = () => (full ??= resolveScope(scope.materialise()).variables);
  let picked: Map<string, ResolvedVar> | undefined;
  const one = (name: string): ResolvedVar | undefined => {
    if (full) return full[name];
    const hit = picked?.get(name);
    if (hit) return hit;
    const entry = scope.get(name);
    if (!entry) return undefined;
    if (!expands(entry)) return resolvedVarOf(entry);
    const value = scope.resolve(name) ?? unknownText(name);
    const shared = scope.table.resolved.variables[name];
    const v: ResolvedVar = shared && shared.value === value ? shared : { value, raw: entry.raw, origin: entry.origin, ...(entry.pos ? { pos: entry.pos } : {}) };
    (picked ??= new Map()).set(name, v);
    return v;
  };
  const target: Record<string, ResolvedVar> = {};
  const record = new Proxy(target, {
    get: (t, key, receiver) => (typeof key === "string" && scope.get(key) ? one(key) : Reflect.get(full ?? t, key, receiver)),
    has: (t, key) => (typeof key === "string" && !!scope.get(key)) || Reflect.has(full ?? t, key),
    ownKeys: () => Reflect.ownKeys(all()),
    getOwnPropertyDescriptor: (_t, key) => Reflect.getOwnPropertyDescriptor(all(), key),
    set: (_t, key, value) => Reflect.set(all(), key, value),
    deleteProperty: (_t, key) => Reflect.deleteProperty(all(), key),
    defineProperty: (_t, key, d) => Reflect.defineProperty(all(), key, d),
  });
  scopes.set(record, scope);
  return record;
}

const scopes = new WeakMap<object, JobScope>();

/**
 * The names of a job's variables that are not predefined, in no particular order. For a lazy
 * record this reads the layers (a few names) instead of building the ≈100-entry record.
 */
export function nonPredefinedNames(variables: Record<string, ResolvedVar>): string[] {
  const scope = scopes.get(variables);
  if (!scope) return Object.keys(variables).filter((n) => variables[n]?.origin !== "predefined");
  const out: string[] = [];
  forEachNonPredefined(scope, (name) => out.push(name));
  return out;
}

function forEachNonPredefined(scope: JobScope, visit: (name: string) => void): void {
  for (const name of scope.table.nonPredefined) if (!scope.own.has(name)) visit(name);
  for (const [name, entry] of scope.own) if (entry && entry.origin !== "predefined") visit(name);
}

/**
 * Among `nonPredefinedNames(after)`, the names whose values two jobs' records may give different
 * texts for; every other name has the same text on both sides. A name neither job defines itself,
 * whose pipeline-level value refers to nothing either job defines, has its table's value on each
 * side, so those are compared once per pair of tables; a name both jobs define as the same text
 * that refers to nothing is equal without resolving anything. Undefined when a record is not a
 * layered one: then every name is a candidate.
 */
export function namesThatMayDiffer(before: Record<string, ResolvedVar>, after: Record<string, ResolvedVar>): string[] | undefined {
  const b = scopes.get(before);
  const a = scopes.get(after);
  if (!b || !a) return undefined;
  const differing = tableDifferences(b.table, a.table);
  const out: string[] = [];
  forEachNonPredefined(a, (name) => {
    const ownB = b.own.get(name);
    const ownA = a.own.get(name);
    if (ownB === undefined && ownA === undefined) {
      if (differing.has(name) || readsOwn(b, name) || readsOwn(a, name)) out.push(name);
    } else if (!(ownB && ownA && sameConstant(ownB, ownA))) out.push(name);
  });
  return out;
}

function readsOwn(scope: JobScope, name: string): boolean {
  if (scope.own.size === 0) return false;
  for (const d of scope.table.dependsOn(name)) if (scope.own.has(d)) return true;
  return false;
}

/**
 * Whether two entries that refer to no other variable have the same text, read from the entries
 * as `resolvedVarOf` makes it (an unknown value is unknown by its name, any other is its raw text)
 * without its per-entry lookup: a comparison of thousands of jobs asks this for each of their own.
 */
function sameConstant(a: VarEntry, b: VarEntry): boolean {
  if (expands(a) || expands(b)) return false;
  return a.unknown === undefined ? b.unknown === undefined && a.raw === b.raw : b.unknown !== undefined && a.name === b.name;
}

/** The text of an entry that refers to no other variable (the same in every scope). */
function constantText(entry: VarEntry): string | undefined {
  return expands(entry) ? undefined : resolvedVarOf(entry)?.value.text;
}

/** A table's value of a name, as a job that neither defines it nor anything it refers to reads it. */
function tableText(table: PipelineTable, name: string): string | undefined {
  const entry = table.scope.get(name);
  if (!entry) return undefined;
  return constantText(entry) ?? (table.resolved.variables[name]?.value ?? unknownText(name)).text;
}

const differences = new WeakMap<PipelineTable, WeakMap<PipelineTable, ReadonlySet<string>>>();

/** The non-predefined names of `after` whose table values differ from `before`'s table's (or that `before` lacks). */
function tableDifferences(before: PipelineTable, after: PipelineTable): ReadonlySet<string> {
  let inner = differences.get(before);
  const known = inner?.get(after);
  if (known) return known;
  const out = new Set<string>();
  for (const name of after.nonPredefined) if (before === after ? false : tableText(before, name) !== tableText(after, name)) out.add(name);
  if (!inner) differences.set(before, (inner = new WeakMap()));
  inner.set(after, out);
  return out;
}

/**
 * The texts of a record's variables that are not predefined, in the record's order (what a
 * report lists as the job's own). For a layered record the full scope gives the names, their
 * order and origins, and each value is read from the layers: the ≈100 predefined values are
 * never resolved.
 */
export function nonPredefinedTexts(variables: Record<string, ResolvedVar>): Record<string, string> {
  const out: Record<string, string> = {};
  const scope = scopes.get(variables);
  if (!scope) {
    for (const [name, v] of Object.entries(variables)) if (v.origin !== "predefined") out[name] = v.value.text;
    return out;
  }
  for (const [name, entry] of scope.materialise()) {
    const v = entry.origin === "predefined" ? undefined : variables[name];
    if (v) out[name] = v.value.text;
  }
  return out;
}
