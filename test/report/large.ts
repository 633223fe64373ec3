/** A generated analysis far beyond any real one: thousands of jobs, dozens of contexts. */
import type { Analysis } from "../../src/analysis/model.js";
import { analysis, build, context, contextAnalysis, hazard, image, imageChange, job, pos, ruleDecision } from "./build.js";

export function largeAnalysis(jobsPerContext = 5000, contextCount = 30): Analysis {
  const contexts = Array.from({ length: contextCount }, (_, c) => {
    const ctx = context(`release-${c}.x`, { kind: "rule-regex", pos: pos("ci/rules.yml", 10 + c), pattern: "/^release-\\d+\\.x$/", synthesised: c % 2 === 0 });
    const before = Array.from({ length: jobsPerContext }, (_, j) =>
      job(`job-${j}`, {
        decidedBy: ruleDecision(j % 40, pos(`ci/part-${j % 50}.yml`, 10 + (j % 40)), `$CI_COMMIT_BRANCH == "release-${c}.x" && $FLAG_${j % 40}`, "on_success"),
        image: image(`registry.example/acme/app/img-${j % 300}:v1`, pos(`ci/part-${j % 50}.yml`, 5)),
        builds: j % 20 === 0 ? [build(`job-${j}`, `registry.example/acme/app/built-${j}:v1`, `docker/${j}.Dockerfile`, pos(`ci/part-${j % 50}.yml`, 7))] : [],
      }),
    );
    const after = before
      .filter((_, j) => j % 97 !== 0)
      .map((b, j) =>
        j % 3 === 0
          ? { ...b, when: j % 2 ? ("manual" as const) : b.when, image: image(`registry.example/acme/app/img-${j % 300}:release-${c}`, pos(`ci/part-${j % 50}.yml`, 5)), decidedBy: ruleDecision(j % 40, pos(`ci/part-${j % 50}.yml`, 60 + (j % 40)), `$CI_COMMIT_REF_NAME =~ /^release-/ && $NEW_${j % 40}`, j % 2 ? "manual" : "on_success") }
          : b,
      );
    for (let k = 0; k < 40; k++) after.push(job(`new-job-${c}-${k}`, { decidedBy: ruleDecision(0, pos("ci/new.yml", k + 1), `$NEW == "${k}"`) }));
    const images = Array.from({ length: 250 }, (_, i) =>
      imageChange(`registry.example/acme/app/built-${i * 20}`, ["v1"], i % 5 === 0 ? [] : [`release-${c}`], {
        builtBy: [`job-${i * 20}`],
        dockerfiles: [`docker/${i * 20}.Dockerfile`],
        usedBy: Array.from({ length: 30 }, (_, u) => `job-${i + u}`),
      }),
    );
    return contextAnalysis(ctx, before, after, images);
  });
  const hazards = Array.from({ length: 120 }, (_, h) =>
    hazard({
      kind: h % 2 ? "image-tag-collision" : "jobs-manual",
      severity: h % 3 === 0 ? "error" : h % 3 === 1 ? "warning" : "notice",
      status: h % 4 === 0 ? "fixed" : "introduced",
      message: `finding ${h}: `.padEnd(400, "x"),
      contexts: contexts.map((c) => c.context.name),
      images: Array.from({ length: 100 }, (_, i) => `registry.example/acme/app/built-${i}:v1`),
      jobs: Array.from({ length: 500 }, (_, i) => `job-${i}`),
      source: pos(`ci/part-${h % 50}.yml`, 10 + (h % 40)),
    }),
  );
  return analysis({
    contexts,
    hazards,
    recipes: Array.from({ length: 100 }, (_, i) => ({ path: `docker/${i * 20}.Dockerfile`, changed: i % 3 === 0, builtIn: {} })),
  });
}
