import { imagesUsedBy, jobsOf, registryImageOf } from "../images.js";
import type { Finding, HazardCheck } from "./check.js";
import { listNames } from "./watched.js";
import type { Pos } from "../../core/pos.js";
import { normalizeImageRef } from "../../containers/image-ref.js";

/**
 * A job runs in an image of the project's own registry (`$CI_REGISTRY_IMAGE/...`) that no job of
 * the same pipeline builds: it gets whatever some other pipeline last pushed under that tag, or
 * fails to pull. When a build reference in the pipeline is unknown it might be that image, so
 * nothing is claimed.
 */
export const imageNotBuilt: HazardCheck = {
  kind: "image-not-built",
  severity: "warning",
  scope: "revision",
  check(revision) {
    const findings: Finding[] = [];
    for (const { context, pipeline } of revision.runs) {
      const jobs = jobsOf(pipeline);
      if (jobs.length === 0) continue;
      const prefix = registryImageOf(pipeline);
      if (!prefix) continue;
      const builds = jobs.flatMap((j) => j.builds);
      if (builds.some((b) => !b.image.known)) continue;
      const built = new Set(builds.map((b) => normalizeImageRef(b.image.text)));
      const missing = new Map<string, { jobs: string[]; pos: Pos }>();
      for (const job of jobs) {
        for (const image of imagesUsedBy(job)) {
          const ref = image.ref;
          if (!ref.known || !(ref.text === prefix || ref.text.startsWith(`${prefix}/`) || ref.text.startsWith(`${prefix}:`))) continue;
          if (built.has(normalizeImageRef(ref.text))) continue;
          const entry = missing.get(ref.text) ?? { jobs: [], pos: image.pos };
          entry.jobs.push(job.name);
          missing.set(ref.text, entry);
        }
      }
      if (missing.size === 0) continue;
      const images = [...missing.keys()].sort();
      const users = [...new Set([...missing.values()].flatMap((m) => m.jobs))].sort();
      findings.push({
        key: context.name,
        message:
          `on \`${context.name}\`, ${users.length === 1 ? "1 job runs" : `${users.length} jobs run`} in ` +
          `${listNames(images, 2)}, which no job of this pipeline builds: ` +
          `they use whatever another pipeline last pushed under that tag, or fail to pull it.`,
        contexts: [context.name],
        images,
        jobs: users,
        source: missing.get(images[0])!.pos,
      });
    }
    return findings;
  },
};
