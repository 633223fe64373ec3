import type { ContextAnalysis, ImageChange } from "./model.js";

/** Whether a branch context changes, stated the same way by the verdict and every report. */

export function sameTags(a: string[], b: string[]): boolean {
  const x = [...a].sort();
  const y = [...b].sort();
  return x.length === y.length && x.every((t, i) => t === y[i]);
}

/** Images whose pushed tags differ before and after (pushed, no longer pushed, or retagged). */
export function changedImages(ctx: ContextAnalysis): ImageChange[] {
  return ctx.images.filter((i) => !sameTags(i.tagsBefore, i.tagsAfter));
}

export function isContextChanged(ctx: ContextAnalysis): boolean {
  return (
    ctx.changes.length > 0 ||
    ctx.before.created !== ctx.after.created ||
    ctx.before.creation !== ctx.after.creation ||
    changedImages(ctx).length > 0
  );
}
