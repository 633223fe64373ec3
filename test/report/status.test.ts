import { describe, expect, it } from "vitest";
import { error } from "../../src/core/diagnostic.js";
import { renderStatus } from "../../src/report/status.js";
import { analysis, pos } from "./build.js";
import { qemuLikeAnalysis } from "./qemu-like.js";

describe("GitLab commit status", () => {
  it("describes the change in at most 255 characters and links where asked", () => {
    const status = renderStatus(qemuLikeAnalysis(), { platform: "gitlab", targetUrl: "https://gitlab.example/acme/app/-/merge_requests/7#note_1" });
    expect(status).toEqual({
      name: "ci-explain",
      state: "success",
      description: "✅ staging-8.0 and staging-7.2 no longer push the same 8 images to :latest as staging",
      targetUrl: "https://gitlab.example/acme/app/-/merge_requests/7#note_1",
    });
  });

  it.each([
    ["failure", "failed"],
    ["neutral", "success"],
    ["success", "success"],
  ] as const)("a %s verdict is state %s", (conclusion, state) => {
    expect(renderStatus(analysis({ verdict: { conclusion, title: "", summary: "" } }), { platform: "gitlab" }).state).toBe(state);
  });

  it("cuts a long config error to 255 characters", () => {
    const a = analysis({ head: { label: "head", ciFiles: [], diagnostics: [error("yaml-syntax", "🙂".repeat(400), pos("ci.yml", 2))] } });
    const { description } = renderStatus(a, { platform: "gitlab" });
    expect(description.length).toBeLessThanOrEqual(255);
    expect(description.startsWith("⛔ the CI configuration in this MR does not load — ci.yml:2: 🙂")).toBe(true);
    expect(description.endsWith("…")).toBe(true);
  });
});
