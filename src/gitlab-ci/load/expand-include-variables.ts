/**
 * GitLab expands only pre-pipeline variables in include paths and in `expand_vars` of inputs
 * (project, group, instance, `CI_PROJECT_*`, `CI_COMMIT_REF_NAME`, trigger/schedule/manual
 * variables). Without a value for every variable used, the result cannot be known: undefined,
 * never a guess.
 */
export function expandIncludeVariables(text: string, variables: Record<string, string>): string | undefined {
  let unknown = false;
  const out = text.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => {
    const v = variables[braced ?? bare ?? ""];
    if (v === undefined) unknown = true;
    return v ?? whole;
  });
  return unknown ? undefined : out;
}
