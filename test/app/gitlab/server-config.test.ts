import { describe, expect, it } from "vitest";
import { gitlabSettings, ServerConfigError } from "../../../src/app/server.js";

describe("GitLab settings from the environment", () => {
  it.each([
    ["nothing set: no GitLab route", {}, undefined],
    ["token and secret: gitlab.com by default", { GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s" }, { url: "https://gitlab.com", token: "t", secret: "s" }],
    ["a self-managed URL", { GITLAB_TOKEN: "t", GITLAB_WEBHOOK_SECRET: "s", GITLAB_URL: "https://git.example.com" }, { url: "https://git.example.com", token: "t", secret: "s" }],
  ])("%s", (_name, env, expected) => {
    expect(gitlabSettings(env)).toEqual(expected);
  });

  it.each([
    ["only the token", { GITLAB_TOKEN: "t" }, "GITLAB_WEBHOOK_SECRET"],
    ["only the secret", { GITLAB_WEBHOOK_SECRET: "s" }, "GITLAB_TOKEN"],
  ])("refuses %s", (_name, env, missing) => {
    expect(() => gitlabSettings(env)).toThrow(ServerConfigError);
    expect(() => gitlabSettings(env)).toThrow(missing);
  });
});
