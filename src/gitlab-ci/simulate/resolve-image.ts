import type { ImageDef } from "../model.js";
import type { ResolvedImage, ResolvedText, ResolvedVar } from "../pipeline.js";
import { expandWith } from "./resolve-variables.js";

/**
 * An `image:`/`services:` name as the runner resolves it: expanded with all of the job's
 * variables in one pass (Go `os.Expand`, `$VAR` and `${VAR}`), and — as Docker does — a name
 * without a tag or digest means `:latest`. The tag is looked for only in the last path
 * component, so a registry port (`host:5000/img`) is not mistaken for a tag. When the last
 * component contains an unknown part, it might carry a tag, so nothing is appended.
 */
export function resolveImage(def: ImageDef, variables: Record<string, ResolvedVar>): ResolvedImage {
  const expanded = expandWith(def.name.value, variables);
  return { ref: withDefaultTag(expanded), raw: def.name.value, pos: def.name.pos };
}

export function withDefaultTag(ref: ResolvedText): ResolvedText {
  const text = ref.text.trim();
  if (text === "") return ref;
  const last = text.slice(text.lastIndexOf("/") + 1);
  if (last.includes(":") || last.includes("@") || last.includes("«")) return { ...ref, text };
  return { ...ref, text: `${text}:latest` };
}

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;
/** Results kept per definition: an analysis sees a few distinct sets of values (base, head, a fork). */
const RECENT = 4;

/**
 * `resolveImage` for one definition, simulated in many pipelines. The result is a pure function
 * of the text and of the values the names in it resolve to (`expandText` reads their text and
 * unknown parts), so a recent result is reused when those are the same: one object for the
 * job in every context where its image reads the same values, not one per pipeline.
 */
export class ImageResolver {
  private readonly names: string[] = [];
  private readonly recent: Array<{ values: Array<ResolvedText | undefined>; image: ResolvedImage }> = [];
  /** The values read last, copied only for a new result (this runs for every job of every pipeline). */
  private readonly scratch: Array<ResolvedText | undefined>;

  constructor(private readonly def: ImageDef) {
    for (const m of def.name.value.matchAll(REFERENCE)) {
      const name = m[1] ?? m[2];
      if (name && !this.names.includes(name)) this.names.push(name);
    }
    this.scratch = this.names.map(() => undefined);
  }

  /** `resolveImage(def, read.variables)`; `read.value(name)` is `read.variables[name]?.value`. */
  resolve(read: { variables: Record<string, ResolvedVar>; value(name: string): ResolvedText | undefined }): ResolvedImage {
    const names = this.names;
    const values = this.scratch;
    for (let i = 0; i < names.length; i++) values[i] = read.value(names[i] as string);
    const recent = this.recent;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i] as (typeof recent)[number];
      if (sameValues(r.values, values)) return r.image;
    }
    const image = resolveImage(this.def, read.variables);
    if (this.recent.length >= RECENT) this.recent.shift();
    this.recent.push({ values: values.slice(), image });
    return image;
  }
}

function sameValues(a: Array<ResolvedText | undefined>, b: Array<ResolvedText | undefined>): boolean {
  for (let i = 0; i < a.length; i++) if (!sameText(a[i], b[i])) return false;
  return true;
}

function sameText(a: ResolvedText | undefined, b: ResolvedText | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.text !== b.text || a.unknowns.length !== b.unknowns.length) return false;
  return a.unknowns.every((u, i) => u === b.unknowns[i]);
}
