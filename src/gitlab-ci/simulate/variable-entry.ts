import type { Pos } from "../../core/pos.js";
import type { VariableDef } from "../model.js";
import type { PipelineContext } from "../context.js";
import type { VarOrigin } from "../pipeline.js";

/** One variable as a layer defines it, before expansion. */
export interface VarEntry {
  name: string;
  /** The value as written ("" when unknown). */
  raw: string;
  /** `expand: false` keeps `$` literally. */
  expand: boolean;
  origin: VarOrigin;
  pos?: Pos;
  /** Set when the value cannot be known statically; says why (e.g. "set by GitLab per pipeline"). */
  unknown?: string;
  /** With `unknown`: GitLab may also leave it unset (e.g. CI_MERGE_REQUEST_LABELS without labels). */
  maybeAbsent?: boolean;
  /** With `unknown`: the value is known not to be empty (e.g. CI_OPEN_MERGE_REQUESTS when an MR is open). */
  nonEmpty?: boolean;
  /** With `unknown`: the name of the one unknown value other variables hold too (worlds.ts `UnknownDomain`). */
  sameValueAs?: string;
}

/** Variables by name; a later layer replaces an earlier one (GitLab's precedence, lowest first). */
export type VarScope = Map<string, VarEntry>;

/** What a `rules:if` reads: a variable's entry by name (a whole scope, or a job's layers over its pipeline's). */
export interface VarLookup {
  get(name: string): VarEntry | undefined;
}

export function scopeOf(...layers: VarEntry[][]): VarScope {
  const scope: VarScope = new Map();
  for (const layer of layers) for (const entry of layer) scope.set(entry.name, entry);
  return scope;
}

/** Builds a scope from layers (lowest precedence first), then applies the context: its values win, its unsets remove. */
export function buildScope(context: PipelineContext, ...layers: VarEntry[][]): VarScope {
  const scope = scopeOf(...layers);
  for (const e of entriesFromContext(context.variables)) scope.set(e.name, e);
  for (const name of unsetByContext(context.variables)) scope.delete(name);
  return scope;
}

export function entriesFromDefs(defs: VariableDef[], origin: VarOrigin): VarEntry[] {
  // The same definitions (a job's, the top level's) are read for every context: make their
  // entries once, so that what is resolved from them can be remembered by entry. Shared: callers
  // must not change the array.
  let byOrigin = entriesOfDefs.get(defs);
  if (!byOrigin) entriesOfDefs.set(defs, (byOrigin = new Map()));
  let entries = byOrigin.get(origin);
  if (!entries) byOrigin.set(origin, (entries = defs.map((d) => ({ name: d.name, raw: d.value, expand: d.expand, origin, pos: d.pos }))));
  return entries;
}

const entriesOfDefs = new WeakMap<VariableDef[], Map<VarOrigin, VarEntry[]>>();

/** Project, group, instance and pipeline variables from the context: the highest precedence. */
export function entriesFromContext(variables: Record<string, string | null | undefined>): VarEntry[] {
  const out: VarEntry[] = [];
  for (const [name, value] of Object.entries(variables)) {
    // A name present with value `undefined` is explicitly unset (PipelineContext docs).
    if (value === undefined) continue;
    if (value === null) out.push({ name, raw: "", expand: false, origin: "context", unknown: DECLARED_WITHOUT_VALUE, maybeAbsent: true });
    else out.push({ name, raw: value, expand: true, origin: "context" });
  }
  return out;
}

/** Why a variable the settings declare without a value is unknown. */
export const DECLARED_WITHOUT_VALUE = "declared in the settings without a value";

/** Names the context explicitly unsets (present with value `undefined`). */
export function unsetByContext(variables: Record<string, string | null | undefined>): Set<string> {
  return new Set(Object.entries(variables).filter(([, v]) => v === undefined).map(([k]) => k));
}
