import type { ContextSetting, Settings } from "../config/settings.js";
import type { ExplainCommand } from "./parse-command.js";

/**
 * The settings a command's question is answered with. `--var` adds CI/CD variables the
 * way a project (or a fork) would set them; named targets replace the contexts, each a
 * configured context of that name or else a push to the branch of that name.
 */
export function applyCommand(settings: Settings, command: ExplainCommand): Settings {
  const variables = { ...settings.variables, ...command.variables };
  if (command.targets.length === 0) return { ...settings, variables };
  const contexts = command.targets.map(
    (target): ContextSetting =>
      settings.contexts?.find((c) => c.name === target) ?? { name: target, branch: target, source: "push", variables: {} },
  );
  return { ...settings, variables, contexts };
}
