import { scanJobScript } from "../../containers/index.js";
import type { ImageBuild } from "../../containers/model.js";
import { error, type Diagnostic } from "../../core/diagnostic.js";
import type { ScriptLine } from "../../gitlab-ci/model.js";
import type { ResolvedText, ResolvedVar } from "../../gitlab-ci/pipeline.js";
import { evaluateExpressionText, type ExprScope } from "../expr/evaluate.js";
import { findPlaceholders } from "../expr/template.js";
import { isUnknown, toText } from "../expr/value.js";

/**
 * `docker build/push` (and podman, buildah, kaniko) in `run:` steps, read by the project's
 * shell reader. GitHub substitutes `${{ }}` into the script text BEFORE the shell runs it, so
 * known values are pasted in; an unknown one becomes a reference to a variable that only
 * this reader knows, whose value is the unknown — so it stays visible as `«...»`, never a guess.
 */
export function runStepBuilds(args: {
  job: string;
  lines: ScriptLine[];
  scope: ExprScope;
  /** `env:` of workflow, job and step: environment variables of the shell. */
  env: Record<string, ResolvedVar>;
  /** GitHub's default variables (GITHUB_REF, GITHUB_SHA, ...) as far as they are known. */
  defaults: Record<string, string | undefined>;
}): { builds: ImageBuild[]; diagnostics: Diagnostic[] } {
  const holes = new Map<string, ResolvedText>();
  const refused: Diagnostic[] = [];
  const lines = args.lines.map((line): ScriptLine => {
    const found = findPlaceholders(line.text);
    if (!Array.isArray(found) || found.length === 0) return line;
    let out = "";
    let last = 0;
    for (const p of found) {
      out += line.text.slice(last, p.start);
      last = p.end;
      const r = evaluateExpressionText(p.expr, args.scope);
      if (!r.ok) refused.push(error("expression-syntax", `${p.expr.trim()}: ${r.message}`, line.pos));
      if (r.ok && !isUnknown(r.value)) {
        out += toText(r.value);
        continue;
      }
      const name = `__GITHUB_EXPR_${holes.size}`;
      const what = p.expr.trim();
      holes.set(name, { text: `«${what}»`, known: false, unknowns: [what] });
      out += `\${${name}}`;
    }
    return { text: out + line.text.slice(last), pos: line.pos };
  });
  const scan = scanJobScript({
    job: args.job,
    lines,
    variables: (name) => {
      const hole = holes.get(name);
      if (hole) return hole;
      const env = args.env[name];
      if (env) return env.value;
      if (name in args.defaults) {
        const v = args.defaults[name];
        return v === undefined ? { text: `«$${name}»`, known: false, unknowns: [name] } : { text: v, known: true, unknowns: [] };
      }
      return undefined;
    },
  });
  return { builds: scan.builds, diagnostics: [...refused, ...scan.diagnostics] };
}
