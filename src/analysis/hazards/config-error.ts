import type { HazardCheck } from "./check.js";

/** The configuration does not load (YAML error, missing include, `extends` cycle): no pipeline at all. */
export const configError: HazardCheck = {
  kind: "config-error",
  severity: "error",
  scope: "revision",
  check(revision) {
    return revision.diagnostics
      // A missing need is reported per context by `needs-missing`, not twice.
      .filter((d) => d.severity === "error" && d.code !== "needs-missing")
      .map((d) => ({
        // Lines move between revisions; the same message in the same file is the same error.
        key: `${d.code}\0${d.pos?.file ?? ""}\0${d.message}`,
        message: `the CI configuration does not load: ${d.message}`,
        contexts: [],
        images: [],
        jobs: [],
        source: d.pos,
      }));
  },
};
