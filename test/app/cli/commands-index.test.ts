import { describe, expect, it } from "vitest";
import { commandLoaders, loadCommands } from "../../../src/app/cli/commands/index.js";

describe("the command list", () => {
  // A command's module is loaded only when it runs: the name it is found by must be its own.
  it.each(commandLoaders.map((c) => [c.name, c]))("`%s` loads the command of that name", async (name, loader) => {
    expect((await loader.load()).name).toBe(name);
  });

  it("lists every command once, in the order --help shows them", async () => {
    const names = (await loadCommands()).map((c) => c.name);
    expect(names).toEqual(["analyze", "simulate", "jobs", "eval", "demo", "verify", "gitlab-mr", "serve"]);
    expect(new Set(names).size).toBe(names.length);
  });
});
