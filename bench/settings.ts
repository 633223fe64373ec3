import type { ContextSetting, Settings } from "../src/config/settings.js";
import { defaultSettings } from "../src/config/defaults.js";
import { BENCH_PROJECT } from "./generate.js";

/** Ten explicit contexts: the branches, the MR, a tag, a schedule and a fork the generated rules test. */
export function benchContexts(): ContextSetting[] {
  const branch = (name: string, extra: Partial<ContextSetting> = {}): ContextSetting => ({ name, branch: name, variables: {}, ...extra });
  return [
    branch("main"),
    branch("staging"),
    branch("staging-8.0"),
    branch("stable-3-x"),
    branch("feature"),
    { name: "MR feature → main", mr: { source: "feature", target: "main" }, variables: {} },
    { name: "tag v1.0", tag: "v1.0", variables: {} },
    branch("nightly", { name: "nightly schedule", source: "schedule", variables: { OPTIONAL_3: "1" } }),
    branch("main", { name: "main with flags", variables: { JOB_FLAG_1: "1", JOB_FLAG_6: "1" } }),
    branch("feature", { name: "feature in a fork", project: "contributor/proj" }),
  ];
}

/** Settings that make `analyze` simulate exactly the ten bench contexts. */
export function benchSettings(): Settings {
  return { ...defaultSettings(), project: BENCH_PROJECT, defaultBranch: "main", contexts: benchContexts() };
}
