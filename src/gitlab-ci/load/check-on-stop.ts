import { nodeToPlain, type YMap } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";

interface EnvironmentSpec {
  name?: unknown;
  action?: unknown;
  onStop?: unknown;
}

function environmentOf(job: YMap): EnvironmentSpec | undefined {
  const node = job.entries.get("environment")?.value;
  if (!node) return undefined;
  const plain = nodeToPlain(node);
  if (typeof plain === "string") return { name: plain };
  if (plain && typeof plain === "object" && !Array.isArray(plain)) {
    const env = plain as Record<string, unknown>;
    return { name: env.name, action: env.action, onStop: env.on_stop };
  }
  return undefined;
}

/**
 * `environment:on_stop` must name a job of the configuration with the same environment name
 * and `action: stop` (YamlProcessor#validate_on_stop_job!); otherwise GitLab rejects the
 * whole configuration. Names are compared as written, before variable expansion, as GitLab does.
 */
export function checkOnStopJobs(jobs: Map<string, YMap>, reader: NodeReader): void {
  for (const [name, job] of jobs) {
    const env = environmentOf(job);
    if (typeof env?.onStop !== "string") continue;
    const pos = job.entries.get("environment")?.keyPos;
    const stopJob = jobs.get(env.onStop);
    const prefix = `${name} job: on_stop job ${env.onStop}`;
    if (!stopJob) {
      reader.errorUnlessIncomplete("config-invalid", `${prefix} is not defined`, pos);
      continue;
    }
    const stopEnv = environmentOf(stopJob);
    if (!stopEnv) reader.error("config-invalid", `${prefix} does not have environment defined`, pos);
    else if (stopEnv.name !== env.name) reader.error("config-invalid", `${prefix} have different environment name`, pos);
    else if (stopEnv.action !== "stop") reader.error("config-invalid", `${prefix} needs to have action stop defined`, pos);
  }
}
