import { readFileSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { headlineLines } from "../../report/rendered.js";
import { runCli } from "./run-cli.js";

const written: string[] = [];
afterAll(() => written.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

async function demo(): Promise<{ stdout: string; commentPath: string }> {
  const { code, stdout } = await runCli(["demo", "--markdown"], process.cwd());
  expect(code).toBe(0);
  const commentPath = /The comment's markdown: (.+)\n/.exec(stdout)?.[1] ?? "";
  written.push(dirname(commentPath));
  return { stdout, commentPath };
}

describe("the bundled demo", () => {
  it("tells its story in the comment's first two lines: the recipe nobody rebuilds, and the stable branches' own tags", async () => {
    const { commentPath } = await demo();
    const [one, two] = headlineLines(readFileSync(commentPath, "utf8"));
    // examples/staging-containers: head edits ci/dockerfiles/alpine.docker, which no job builds,
    // and moves staging-X.Y from `:latest` (which main and staging keep) to their own tags.
    expect(one).toBe("ci-explain: ⚠️ ci/dockerfiles/alpine.docker changes, but no job rebuilds it anywhere");
    expect(two).toMatch(/^✅ staging-7\.2 and staging-8\.0 no longer push the same 2 images to :latest as main and staging · /);
  });

  it("writes to a new folder each run, and its markdown ends with a newline", async () => {
    const first = await demo();
    const second = await demo();
    expect(first.commentPath).not.toBe(second.commentPath);
    expect(readFileSync(first.commentPath, "utf8").endsWith("\n")).toBe(true);
  });
});
