import { warning, type Diagnostic } from "../../core/diagnostic.js";
import type { CiConfig, VariableDef } from "../model.js";
import { MAX_EXPANDED_CHARS } from "../simulate/expand-variables.js";

const REFERENCE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * The variables whose value, expanded, would pass MAX_EXPANDED_CHARS — worked out from the
 * lengths alone, never by building the text: `V1: "${V0}${V0}"` … `V24` would be gigabytes.
 * The simulation leaves such a value unknown (expand-variables.ts); this names the variable
 * and its line, once per definition, where the value first passes the budget (the variables
 * that merely refer to it say nothing new). Top-level variables, then each job's own over them.
 */
export function checkExpansionSizes(config: CiConfig): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const reported = new Set<VariableDef>();
  const topLevel = new Map(config.variables.map((v) => [v.name, v]));
  const topSizes = new Map<string, number>();
  /** Sizes of `defs`' variables into `sizes`; a name they do not define has its `outer` size (top-level), else an unknown's. */
  const check = (defs: Map<string, VariableDef>, sizes: Map<string, number>, outer?: Map<string, number>) => {
    const resolving = new Set<string>();
    const size = (name: string): number => {
      const known = sizes.get(name);
      if (known !== undefined) return known;
      const def = defs.get(name);
      if (!def) return outer?.get(name) ?? name.length + 3;
      if (!def.expand || !def.value.includes("$") || resolving.has(name)) return def.value.length;
      resolving.add(name);
      let total = 0;
      let largestPart = 0;
      let literal = def.value.length;
      for (const m of def.value.matchAll(REFERENCE)) {
        literal -= m[0].length;
        if (m[0] === "$$") {
          total += 1;
          continue;
        }
        const part = size((m[1] ?? m[2]) as string);
        largestPart = Math.max(largestPart, part);
        total += part;
      }
      resolving.delete(name);
      total += literal;
      sizes.set(name, total);
      // Report where the budget is first passed, not every variable that refers to that one.
      if (total > MAX_EXPANDED_CHARS && largestPart <= MAX_EXPANDED_CHARS && !reported.has(def)) {
        reported.add(def);
        diagnostics.push(
          warning(
            "value-too-large",
            `variable ${name} expands to more than ${MAX_EXPANDED_CHARS.toLocaleString("en")} characters (about ${formatCount(total)}); its value is not worked out and counts as unknown`,
            def.pos,
          ),
        );
      }
      return total;
    };
    for (const name of defs.keys()) size(name);
  };
  check(topLevel, topSizes);
  for (const job of config.jobs) {
    if (!job.variables.some((v) => v.expand && v.value.includes("$"))) continue;
    check(new Map(job.variables.map((v) => [v.name, v])), new Map(), topSizes);
  }
  return diagnostics;
}

function formatCount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(1)} G` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : n.toLocaleString("en");
}
