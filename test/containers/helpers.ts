import type { ScriptLine } from "../../src/gitlab-ci/model.js";
import type { ResolvedText } from "../../src/gitlab-ci/pipeline.js";
import type { ImageBuild } from "../../src/containers/index.js";

/** Script items at consecutive lines of `.gitlab-ci.yml`, as the loader hands them over. */
export function scriptLines(texts: string[], firstLine = 10): ScriptLine[] {
  return texts.map((text, i) => ({ text, pos: { file: ".gitlab-ci.yml", line: firstLine + i } }));
}

/** A resolver over plain values; a value of `null` marks a variable the simulation could not resolve. */
export function resolverOf(vars: Record<string, string | null>): (name: string) => ResolvedText | undefined {
  return (name) => {
    if (!(name in vars)) return undefined;
    const v = vars[name];
    return v === null ? { text: `«$${name}»`, known: false, unknowns: [`$${name}`] } : { text: v, known: true, unknowns: [] };
  };
}

/** One line per build, as a maintainer would read it. */
export function describeBuild(b: ImageBuild): string {
  return [
    b.tool,
    b.image.text,
    b.push ? "push" : "local",
    `file=${b.dockerfile?.text ?? "-"}`,
    `ctx=${b.context?.text ?? "-"}`,
    b.certainty === "uncertain" ? "uncertain" : "",
    b.taggedFrom ? `from=${b.taggedFrom.text}` : "",
  ]
    .filter(Boolean)
    .join(" ");
}
