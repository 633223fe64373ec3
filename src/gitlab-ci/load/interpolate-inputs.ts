import { error, warning, type Diagnostic } from "../../core/diagnostic.js";
import type { Pos } from "../../core/pos.js";
import { compilePattern } from "../expr/regex.js";
import { expandIncludeVariables } from "./expand-include-variables.js";
import { makeMap, mapGet, nodeFromPlain, nodeToPlain, type YMap, type YNode } from "../yaml/node.js";

/**
 * `spec:inputs` + `include:inputs` (GitLab "Define inputs for configuration added with include"):
 * the header declares inputs with `default`, `type` (string, number, boolean, array), `options`
 * and `regex`; `$[[ inputs.name ]]` in keys and values of the config document is replaced.
 * A value that is exactly one `$[[ … ]]` keeps the input's type (a list stays a list).
 * Undefined when an input is wrong: the diagnostics say why.
 */
const BLOCK = /\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*((?:\|[^\]]*?)?)\s*\]\]/g;

/**
 * What interpolation may build for one pipeline, all files together, counted before each value
 * is built: an input used twice in an input of the next include doubles at every level (30
 * levels of `x: "$[[ inputs.x ]]$[[ inputs.x ]]"` would be gigabytes). Ten times
 * `max_yaml_size_bytes`, where GitLab stops with "interpolated config is too large" — behind a
 * feature flag (gitlab-org/gitlab!268036), so past it the file is not analysed rather than
 * reported as GitLab's error.
 */
export interface InterpolationBudget {
  /** Characters the interpolated strings may hold in all. */
  readonly max: number;
  /** Characters built so far. */
  used: number;
}

export function interpolationBudget(maxFileBytes: number): InterpolationBudget {
  return { max: 10 * maxFileBytes, used: 0 };
}

/** Why a file is not analysed once the budget is spent; undefined while it is not. */
export function overInterpolationBudget(budget: InterpolationBudget): string | undefined {
  return budget.used > budget.max ? `interpolating inputs passes ${budget.max.toLocaleString("en")} characters (all files together)` : undefined;
}

interface InputSpec {
  name: string;
  type: "string" | "number" | "boolean" | "array";
  default?: unknown;
  options?: unknown[];
  regex?: string;
  pos: Pos;
}

export function applyInputs(
  file: string,
  header: YMap | undefined,
  body: YNode,
  given: Record<string, unknown> | undefined,
  at: Pos,
  diagnostics: Diagnostic[],
  budget: InterpolationBudget,
  /** Known pre-pipeline variables, for `expand_vars`. */
  variables: Record<string, string> = {},
): YNode | undefined {
  const givenNames = Object.keys(given ?? {});
  const specInputs = mapGet(mapGet(header, "spec"), "inputs");
  if (!header || specInputs === undefined) {
    if (givenNames.length > 0) {
      diagnostics.push(error("inputs-invalid", `${file}: Given inputs not defined in the \`spec\` section of the included configuration file`, at));
    }
    return body;
  }
  if (specInputs.kind !== "map") {
    diagnostics.push(error("inputs-invalid", `${file}: \`spec:inputs\` must be a hash`, specInputs.pos));
    return body;
  }
  const specs = readSpecs(file, specInputs, diagnostics);
  const values = new Map<string, unknown>();
  let ok = true;
  const unknown = givenNames.filter((name) => !specs.has(name));
  if (unknown.length > 0) {
    diagnostics.push(error("inputs-invalid", `${file}: unknown input arguments: ${unknown.join(", ")}`, at));
    ok = false;
  }
  for (const spec of specs.values()) {
    const has = given !== undefined && Object.hasOwn(given, spec.name);
    const value = has ? given[spec.name] : spec.default;
    if (value === undefined) {
      diagnostics.push(error("inputs-invalid", `${file}: \`${spec.name}\` input: required value has not been provided`, at));
      ok = false;
      continue;
    }
    const problem = checkInput(spec, value, has ? "provided value" : "default value");
    if (problem) {
      diagnostics.push(error("inputs-invalid", `${file}: \`${spec.name}\` input: ${problem}`, has ? at : spec.pos));
      ok = false;
      continue;
    }
    values.set(spec.name, value);
  }
  // GitLab rejects the file: nothing of it is merged (no job with `$[[ inputs.x ]]` left in it).
  if (!ok) return undefined;
  const inputs: InputValues = { values, variables, budget };
  const interpolated = interpolate(body, inputs, file, diagnostics);
  // Past the budget the caller says the file is not analysed (overInterpolationBudget).
  return budget.used > budget.max ? undefined : interpolated;
}

function readSpecs(file: string, inputs: YMap, diagnostics: Diagnostic[]): Map<string, InputSpec> {
  const specs = new Map<string, InputSpec>();
  for (const entry of inputs.entries.values()) {
    const def = entry.value;
    const plain = def.kind === "map" ? (nodeToPlain(def) as Record<string, unknown>) : {};
    if (def.kind !== "map" && !(def.kind === "scalar" && def.value === null)) {
      diagnostics.push(error("inputs-invalid", `${file}: input \`${entry.key}\` must be a hash (default, type, options, ...)`, entry.keyPos));
      continue;
    }
    const type = plain.type ?? "string";
    if (type !== "string" && type !== "number" && type !== "boolean" && type !== "array") {
      diagnostics.push(error("inputs-invalid", `${file}: header:spec:inputs:${entry.key} input type unknown value: ${String(type)}`, entry.keyPos));
      continue;
    }
    specs.set(entry.key, {
      name: entry.key,
      type,
      default: plain.default === null ? undefined : plain.default,
      options: Array.isArray(plain.options) ? plain.options : undefined,
      regex: typeof plain.regex === "string" ? plain.regex : undefined,
      pos: entry.keyPos,
    });
  }
  return specs;
}

/**
 * GitLab's checks and words (Ci::Config::Interpolation::Inputs::BaseInput and its types):
 * "provided value is not a string", "`x` cannot be used because it is not in the list of allowed
 * options", "provided value does not match required RegEx pattern", "invalid regular expression"
 * (Ci::Inputs::BaseInput's spec words them so); a default is checked alike.
 */
function checkInput(spec: InputSpec, value: unknown, what: "provided value" | "default value"): string | undefined {
  const actual = Array.isArray(value) ? "array" : typeof value;
  if (actual !== spec.type) return `${what} is not ${spec.type === "array" ? "an" : "a"} ${spec.type}`;
  if (spec.options && !spec.options.some((o) => o === value)) {
    return `\`${typeof value === "string" ? value : JSON.stringify(value)}\` cannot be used because it is not in the list of allowed options`;
  }
  // GitLab (Interpolation::Inputs::BaseInput#validate_regex): RE2 (UntrustedRegexp), a search,
  // applied to string values only; a default that does not match is an error too.
  if (spec.regex !== undefined && typeof value === "string") {
    const compiled = compilePattern(`/${spec.regex}/`);
    if (!compiled.ok) return `invalid regular expression (${compiled.message})`;
    if (!compiled.pattern.test(value)) return `${what} does not match required RegEx pattern`;
  }
  return undefined;
}

interface InputValues {
  values: Map<string, unknown>;
  variables: Record<string, string>;
  budget: InterpolationBudget;
}

/** Count `chars` against the budget; false once it is spent (nothing more is built). */
function spend(budget: InterpolationBudget, chars: number): boolean {
  budget.used += chars;
  return budget.used <= budget.max;
}

function interpolate(node: YNode, inputs: InputValues, file: string, diagnostics: Diagnostic[]): YNode {
  switch (node.kind) {
    case "scalar": {
      if (typeof node.value !== "string" || !node.value.includes("$[[")) return node;
      const whole = wholeBlock(node.value);
      if (whole && !whole.functions) {
        const v = inputs.values.get(whole.name);
        if (v === undefined) {
          diagnostics.push(error("inputs-invalid", `${file}: unknown input \`${whole.name}\` in \`$[[ inputs.${whole.name} ]]\``, node.pos));
          return node;
        }
        if (!spend(inputs.budget, typeof v === "string" ? v.length : JSON.stringify(v).length)) return node;
        return nodeFromPlain(v, node.pos);
      }
      return { ...node, value: interpolateText(node.value, inputs, file, node.pos, diagnostics) };
    }
    case "seq":
      return { ...node, items: node.items.map((i) => interpolate(i, inputs, file, diagnostics)) };
    case "map":
      return makeMap(
        [...node.entries.values()].map((e) => ({
          key: e.key.includes("$[[") ? interpolateText(e.key, inputs, file, e.keyPos, diagnostics) : e.key,
          keyPos: e.keyPos,
          value: interpolate(e.value, inputs, file, diagnostics),
        })),
        node.pos,
      );
    case "reference":
      return node;
  }
}

function wholeBlock(text: string): { name: string; functions: string } | undefined {
  const m = /^\$\[\[\s*inputs\.([A-Za-z0-9_-]+)\s*((?:\|[^\]]*?)?)\s*\]\]$/.exec(text);
  return m ? { name: m[1], functions: m[2].trim() } : undefined;
}

function interpolateText(text: string, inputs: InputValues, file: string, pos: Pos, diagnostics: Diagnostic[]): string {
  if (!spend(inputs.budget, text.length)) return text;
  return text.replace(BLOCK, (block, name: string, functions: string) => {
    if (inputs.budget.used > inputs.budget.max) return "";
    const v = inputs.values.get(name);
    if (v === undefined) {
      diagnostics.push(error("inputs-invalid", `${file}: unknown input \`${name}\` in \`${block}\``, pos));
      return block;
    }
    let out = typeof v === "string" ? v : JSON.stringify(v);
    for (const fn of functions.split("|").map((f) => f.trim()).filter(Boolean)) {
      const applied = applyFunction(fn, out, inputs.variables);
      if (applied === undefined) {
        diagnostics.push(warning("not-analysed", `${file}: interpolation function \`${fn}\` is not analysed; the input is used as given`, pos));
      } else out = applied;
    }
    return spend(inputs.budget, out.length - block.length) ? out : "";
  });
}

/**
 * GitLab's interpolation functions. `expand_vars` expands the variables `include` may use
 * (ExpandVariables.expand_existing); when one of them has no value known here the result is
 * unknown, so undefined (not analysed) rather than a guess.
 */
function applyFunction(fn: string, value: string, variables: Record<string, string>): string | undefined {
  if (fn === "expand_vars") return expandIncludeVariables(value, variables);
  const truncate = /^truncate\(\s*(\d+)\s*,\s*(\d+)\s*\)$/.exec(fn);
  if (truncate) return [...value].slice(Number(truncate[1]), Number(truncate[1]) + Number(truncate[2])).join("");
  // Ruby Shellwords.escape
  if (fn === "posix_escape") return value === "" ? "''" : value.replace(/[^A-Za-z0-9_\-.,:+/@\n]/g, "\\$&").replace(/\n/g, "'\n'");
  return undefined;
}
