import type { ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandText, unknownText } from "./expand-variables.js";
import { resolveScope, resolvedVarOf, type ResolvedScope } from "./resolve-variables.js";
import type { PipelineContext } from "../context.js";
import { buildScope, entriesFromContext, unsetByContext, type VarEntry, type VarLookup, type VarScope } from "./variable-entry.js";

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
  /** Predefined (pipeline phase), top-level and workflow variables, then the context's, minus what it unsets. */
  readonly scope: VarScope;
  /** Names the context sets: they win over every job-level definition. */
  readonly contextSets: ReadonlySet<string>;
  readonly contextUnsets: ReadonlySet<string>;
  /** Every name the context sets or unsets. */
  readonly contextNames: readonly string[];
  private resolvedScope: ResolvedScope | undefined;
  private readonly dependencies = new Map<string, ReadonlySet<string>>();
  private readonly constants = new Map<string, ResolvedText | null>();
  private userNames: string[] | undefined;

  constructor(
    readonly context: PipelineContext,
    /** The pipeline's predefined variables, below every other layer. */
    readonly predefined: VarEntry[],
    /** Top-level and workflow variables. */
    root: VarEntry[],
  ) {
    this.scope = buildScope(context, predefined, root);
    this.contextSets = new Set(entriesFromContext(context.variables).map((e) => e.name));
    this.contextUnsets = unsetByContext(context.variables);
    this.contextNames = [...this.contextSets, ...this.contextUnsets];
  }

  /** Names in the table that are not predefined (top-level, workflow, context). */
  get nonPredefined(): string[] {
    return (this.userNames ??= [...this.scope.values()].filter((e) => e.origin !== "predefined").map((e) => e.name));
  }

  get resolved(): ResolvedScope {
    return (this.resolvedScope ??= resolveScope(this.scope));
  }

  /** A job's full scope: its layers over the pipeline's predefined variables, then the context. */
  materialise(...layers: VarEntry[][]): VarScope {
    return buildScope(this.context, this.predefined, ...layers);
  }

  /**
   * The value of a table variable that refers to no other variable (the same for every job that
   * does not define it itself); undefined for one that does, or that the table lacks.
   */
  constantValue(name: string): ResolvedText | undefined {
    let value = this.constants.get(name);
    if (value === undefined) {
      const entry = this.scope.get(name);
      value = entry && !expands(entry) ? (resolvedVarOf(entry) as ResolvedVar).value : null;
      this.constants.set(name, value);
    }
    return value ?? undefined;
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

/**
 * A job's own entries by name (`null`: absent for this job), with what is derived from them
 * remembered on the map itself: one map serves the job in every pipeline whose context leaves it
 * alone. Never changed once made.
 */
export class OwnEntries extends Map<string, VarEntry | null> {
  private expandingNames: string[] | undefined;
  private derived: Map<object, string> | undefined;
  // The last owner asked about: a job asks about its one rules list in every pipeline.
  private lastOwner: object | undefined;
  private lastDerived = "";
  private userNames: string[] | undefined;
  private differing: WeakMap<OwnEntries, readonly string[]> | undefined;

  /** The names of its entries that are present and not predefined. */
  get user(): readonly string[] {
    if (!this.userNames) {
      const names: string[] = [];
      for (const [name, entry] of this) if (entry && entry.origin !== "predefined") names.push(name);
      this.userNames = names;
    }
    return this.userNames;
  }

  /**
   * Among `user`, the names `other` lacks or may give another text. The job's entries are the same
   * maps in every context that leaves them alone, so a comparison of two revisions asks this once
   * per job, not once per context.
   */
  differingFrom(other: OwnEntries): readonly string[] {
    const memo = (this.differing ??= new WeakMap());
    let names = memo.get(other);
    if (!names) {
      names = this.user.filter((name) => {
        const mine = this.get(name);
        const theirs = other.get(name);
        return !(mine && theirs && sameConstant(theirs, mine));
      });
      memo.set(other, names);
    }
    return names;
  }

  /** The names whose values refer to other variables. */
  get expanding(): readonly string[] {
    if (!this.expandingNames) {
      const names: string[] = [];
      for (const [name, entry] of this) if (entry && expands(entry)) names.push(name);
      this.expandingNames = names;
    }
    return this.expandingNames;
  }

  /** `compute(this, owner)`, made once per owner (e.g. a rules list's shape). */
  derive<K extends object>(owner: K, compute: (own: OwnEntries, owner: K) => string): string {
    if (owner === this.lastOwner) return this.lastDerived;
    const derived = (this.derived ??= new Map());
    let value = derived.get(owner);
    if (value === undefined) derived.set(owner, (value = compute(this, owner)));
    this.lastOwner = owner;
    this.lastDerived = value;
    return value;
  }
}

/** A job instance's own layers: the same in every pipeline of one loaded configuration. */
export interface InstanceLayers {
  /** CI_JOB_NAME, CI_JOB_STAGE, CI_NODE_*. */
  jobPhase: VarEntry[];
  job: VarEntry[];
  matrix: VarEntry[];
}

/**
 * What a job's layers say differently from a table without context values, in the precedence
 * `buildScope` applies (predefined < job-phase predefined < inherited root < job < matrix):
 * only names a job layer touches can differ. `inherited` is the part of `root` (every top-level
 * and workflow variable) the job inherits (`inherit:variables`); `predefined` is the pipeline's
 * predefined variables by name. The context is applied by `ownEntries`.
 */
export function layerEntries(predefined: ReadonlyMap<string, VarEntry>, layers: InstanceLayers, inherited: VarEntry[], root: VarEntry[]): OwnEntries {
  const own = new OwnEntries();
  if (inherited.length !== root.length) {
    const kept = new Set(inherited);
    // Not inherited: the job sees what lies below the root layer (a predefined variable) or nothing.
    for (const e of root) if (!kept.has(e)) own.set(e.name, predefined.get(e.name) ?? null);
  }
  const inheritedNames = new Set<string>();
  for (const e of inherited) inheritedNames.add(e.name);
  for (const e of layers.jobPhase) if (!inheritedNames.has(e.name)) own.set(e.name, e);
  for (const e of layers.job) own.set(e.name, e);
  for (const e of layers.matrix) own.set(e.name, e);
  return own;
}

/**
 * A job's own entries in one pipeline: `layered` (from `layerEntries`) minus the names the
 * context sets or unsets — the context wins over every job layer, exactly as in the table.
 * Nothing else in `layered` can equal the table: its entries are job-phase, job and matrix
 * entries, which the table never holds, or what lies below a root variable the job does not
 * inherit, while the table holds that root variable. `layered` itself when nothing is dropped
 * (the usual case), so that it is shared by the pipelines of one configuration; it must not be
 * changed.
 */
export function ownEntries(table: PipelineTable, layered: OwnEntries): OwnEntries {
  let own: OwnEntries | undefined;
  for (const name of table.contextNames) if (layered.has(name)) (own ??= new OwnEntries(layered)).delete(name);
  return own ?? layered;
}

const NO_ENTRIES: readonly VarEntry[] = [];

/** What a job's view works out on demand; most views never need it. */
interface ScopeWork {
  /** Values resolved from the job's own entries. */
  values: Map<string, ResolvedText> | undefined;
  /** Names being resolved (a name met again is a cycle). */
  resolving: string[];
  cyclic: boolean;
  /** The full record, once something enumerated it. */
  full: VariableRecord | undefined;
  /** Variables read one by one that differ from the table's. */
  picked: Map<string, ResolvedVar> | undefined;
}

/**
 * One job's view: its own entries (`null` = absent for this job, e.g. a top-level variable it
 * does not inherit) over the pipeline's table. `materialise` builds the full scope the old way,
 * in GitLab's precedence order, for the report and for exact cycle errors.
 *
 * It is also the job's `variables` record (`variables`, a proxy over this object, answered by
 * `RECORD`): a big analysis holds 250,000 of these at once, so a job costs this object and a
 * proxy, not also a handler of its own.
 */
export class JobScope implements VarLookup, VariableValues {
  // Made on first use: most job views never resolve anything themselves.
  private work: ScopeWork | undefined;
  private record: VariableRecord | undefined;

  constructor(
    readonly table: PipelineTable,
    readonly own: OwnEntries,
    private readonly layers: InstanceLayers,
    /** The top-level and workflow variables the job inherits. */
    private readonly inherited: VarEntry[],
    /** The matched rule's `variables:`. */
    private readonly ruleEntries: readonly VarEntry[] = NO_ENTRIES,
  ) {}

  get(name: string): VarEntry | undefined {
    const mine = this.own.get(name);
    if (mine !== undefined) return mine ?? undefined;
    return this.table.scope.get(name);
  }

  /** The job's full scope, in GitLab's precedence order. */
  materialise(): VarScope {
    const scope = this.table.materialise(this.layers.jobPhase, this.inherited, this.layers.job, this.layers.matrix);
    // rules:variables override job (and matrix) variables, but not context variables.
    for (const e of this.ruleEntries) if (scope.get(e.name)?.origin !== "context") scope.set(e.name, e);
    return scope;
  }

  /** `rules:variables` of the matched rule: they override job and matrix variables, not the context's. */
  withRule(entries: readonly VarEntry[]): JobScope {
    if (entries.length === 0) return this;
    const own = new OwnEntries(this.own);
    for (const e of entries) if (!this.table.contextSets.has(e.name)) own.set(e.name, e);
    return new JobScope(this.table, own, this.layers, this.inherited, entries);
  }

  private get state(): ScopeWork {
    return (this.work ??= { values: undefined, resolving: [], cyclic: false, full: undefined, picked: undefined });
  }

  /** Whether resolving the full scope would report a circular reference. */
  hasCycle(): boolean {
    if (this.table.resolved.cycles.length > 0) return true;
    // A cycle that exists for this job and not in the table goes through one of its own entries.
    const names = this.own.expanding;
    if (names.length === 0) return false;
    for (let i = 0; i < names.length; i++) this.resolve(names[i] as string);
    return this.state.cyclic;
  }

  /** A variable's expanded value as the job sees it; undefined when the job does not have it. */
  resolve(name: string): ResolvedText | undefined {
    const done = this.work?.values?.get(name);
    if (done) return done;
    const entry = this.get(name);
    if (!entry) return undefined;
    if (!expands(entry)) return (resolvedVarOf(entry) as ResolvedVar).value;
    if (!this.own.has(name) && !this.readsOwn(name)) return this.table.resolved.variables[name]?.value ?? unknownText(name);
    const state = this.state;
    const resolving = state.resolving;
    if (resolving.includes(name)) {
      state.cyclic = true;
      return unknownText(name);
    }
    resolving.push(name);
    const value = expandText(entry.raw, (n) => this.resolve(n), { undefinedAs: "unknown" });
    resolving.pop();
    (state.values ??= new Map()).set(name, value);
    return value;
  }

  /** Whether the pipeline-level value of `name` refers, directly or not, to one of the job's own entries. */
  readsOwn(name: string): boolean {
    for (const d of this.table.dependsOn(name)) if (this.own.has(d)) return true;
    return false;
  }

  /** The job's `variables` record: built in full only when something enumerates it. */
  get variables(): VariableRecord {
    return (this.record ??= recordOf(this));
  }

  /** `variables[name]?.value`, without going through the proxy. */
  value(name: string): ResolvedText | undefined {
    // Most names an image reads are pipeline-level constants the job does not define: two lookups.
    if (this.work?.full === undefined && !this.own.has(name)) {
      const constant = this.table.constantValue(name);
      if (constant) return constant;
    }
    const entry = this.get(name);
    return entry ? this.variable(name, entry)?.value : undefined;
  }

  /** Every variable of the job (the record enumerated). */
  all(): VariableRecord {
    const state = this.state;
    return (state.full ??= resolveScope(this.materialise()).variables);
  }

  /** The variable `name` of the job, whose entry is `entry`. */
  variable(name: string, entry: VarEntry): ResolvedVar | undefined {
    const full = this.work?.full;
    if (full) return full[name];
    // A pipeline-level variable the job's own entries do not change: the table's, as resolved.
    if (!this.own.has(name) && (!expands(entry) || !this.readsOwn(name))) return this.table.resolved.variables[name];
    if (!expands(entry)) return resolvedVarOf(entry);
    const hit = this.work?.picked?.get(name);
    if (hit) return hit;
    const value = this.resolve(name) ?? unknownText(name);
    const shared = this.table.resolved.variables[name];
    const v: ResolvedVar = shared && shared.value === value ? shared : { value, raw: entry.raw, origin: entry.origin, ...(entry.pos ? { pos: entry.pos } : {}) };
    (this.state.picked ??= new Map()).set(name, v);
    return v;
  }

  /** The full record when it has been built (then writes and enumeration go to it). */
  get built(): VariableRecord | undefined {
    return this.work?.full;
  }
}

/** How `nonPredefinedNames` recognises a lazy record (a proxy cannot be told apart otherwise). */
const SCOPE = Symbol("job scope");

type VariableRecord = Record<string, ResolvedVar>;

/**
 * What a record answers where the job has no such variable and nothing enumerated it yet: an
 * empty plain object's answers (`toString`, `constructor`…), never the scope's own fields.
 */
const EMPTY: VariableRecord = {};

/**
 * The one proxy handler of every lazy record; the proxy's target is the job's `JobScope`. The
 * traps never write to the target (writes go to the full record) and its fields are ordinary
 * (configurable) ones, so it stays extensible and the proxy invariants hold; what the record
 * shows is only the job's variables, with the prototype of a plain object.
 */
const RECORD: ProxyHandler<JobScope> = {
  get(scope, key, receiver) {
    if (typeof key === "string") {
      const entry = scope.get(key);
      if (entry) return scope.variable(key, entry);
    } else if (key === SCOPE) {
      return scope;
    }
    return Reflect.get(scope.built ?? EMPTY, key, receiver);
  },
  has(scope, key) {
    return (typeof key === "string" && !!scope.get(key)) || Reflect.has(scope.built ?? EMPTY, key);
  },
  ownKeys(scope) {
    return Reflect.ownKeys(scope.all());
  },
  getOwnPropertyDescriptor(scope, key) {
    return Reflect.getOwnPropertyDescriptor(scope.all(), key);
  },
  set(scope, key, value) {
    return Reflect.set(scope.all(), key, value);
  },
  deleteProperty(scope, key) {
    return Reflect.deleteProperty(scope.all(), key);
  },
  defineProperty(scope, key, d) {
    return Reflect.defineProperty(scope.all(), key, d);
  },
  getPrototypeOf() {
    return Object.prototype;
  },
  // The target must stay extensible.
  preventExtensions() {
    return false;
  },
  setPrototypeOf() {
    return false;
  },
};

function recordOf(scope: JobScope): VariableRecord {
  // The proxy stands for a record of the job's variables, not for the scope it reads.
  const record: object = new Proxy(scope, RECORD);
  return record as VariableRecord;
}

/**
 * `variables[name]?.value` of a job's variables, read without a proxy when there is one. A
 * `JobScope` is one: its `variables` is the job's lazy record (built in full only when something
 * enumerates it — the report, the JSON output, a test's deep equality).
 */
export interface VariableValues {
  readonly variables: VariableRecord;
  value(name: string): ResolvedText | undefined;
}

/** The reader of a plain (fully built) record. */
export function plainValues(variables: VariableRecord): VariableValues {
  return { variables, value: (name) => variables[name]?.value };
}

function scopeOfRecord(variables: VariableRecord): JobScope | undefined {
  const scope: unknown = (variables as Record<symbol, unknown>)[SCOPE];
  return scope instanceof JobScope ? scope : undefined;
}

/**
 * The names of a job's variables that are not predefined, in no particular order. For a lazy
 * record this reads the layers (a few names) instead of building the ≈100-entry record.
 */
export function nonPredefinedNames(variables: VariableRecord): string[] {
  const scope = scopeOfRecord(variables);
  if (!scope) return Object.keys(variables).filter((n) => variables[n]?.origin !== "predefined");
  const out = scope.table.nonPredefined.filter((name) => !scope.own.has(name));
  out.push(...scope.own.user);
  return out;
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
  const b = scopeOfRecord(before);
  const a = scopeOfRecord(after);
  if (!b || !a) return undefined;
  const differing = tableDifferences(b.table, a.table);
  const out: string[] = [];
  // The table's names the job does not define itself: equal unless the before job defines the
  // name, the tables differ on it, or its value reads one of either job's own entries.
  for (const name of a.table.nonPredefined) {
    if (a.own.has(name)) continue;
    if (b.own.has(name) || differing.has(name) || readsOwn(b, name) || readsOwn(a, name)) out.push(name);
  }
  for (const name of a.own.differingFrom(b.own)) out.push(name);
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
  if (before !== after) for (const name of after.nonPredefined) if (tableText(before, name) !== tableText(after, name)) out.add(name);
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
  const scope = scopeOfRecord(variables);
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
