import type { ContextAnalysis } from "../analysis/model.js";

/**
 * Whether a context is one a command asked about: by the name the report shows
 * (`tag v1.0.0`, `MR feature → main`) or by its branch or tag name.
 */
export function isAskedContext(ctx: ContextAnalysis, targets: readonly string[]): boolean {
  const ref = ctx.context.ref;
  const refName = ref.kind === "mr" ? undefined : ref.name;
  return targets.includes(ctx.context.name) || (refName !== undefined && targets.includes(refName));
}
