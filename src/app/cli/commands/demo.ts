import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { analyze } from "../../../analysis/analyze.js";
import { loadSettings } from "../../../config/load-settings.js";
import { DirSource } from "../../../platforms/local/index.js";
import { renderComment, renderCommentText } from "../../../report/index.js";
import type { CliCommand } from "../command.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { analysisJson, withFinalNewline } from "./analyze.js";

const OPTION_NAMES = ["markdown", "out"] as const;

const usage = `Usage: ci-explain demo [--markdown] [--out DIR]

Analyses the bundled example (a project that builds its CI containers per staging
branch, before and after the fix from QEMU's stable-staging story), offline, and prints
the report the bot would post on the merge request.

Options:
${optionsHelp(OPTION_NAMES)}`;

/**
 * The example ships in the package: examples/ next to dist/. Found by walking up from this
 * module, which is compiled into dist/src/... and bundled into dist/cli/.
 */
function exampleDir(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, "examples", "staging-containers");
    if (existsSync(candidate) || dirname(dir) === dir) return candidate;
  }
}

/** Branches the example project "has", as a platform would list them. */
const EXAMPLE_BRANCHES = ["main", "staging", "staging-8.0", "staging-7.2", "feature/stable-container-tags"];

export const demoCommand: CliCommand = {
  name: "demo",
  summary: "analyse the bundled example offline and print the report",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    const example = exampleDir();
    const base = new DirSource(join(example, "base"), "example base");
    const head = new DirSource(join(example, "head"), "example head");
    const { settings } = await loadSettings(base);
    const analysis = await analyze({
      base,
      head,
      settings,
      branches: EXAMPLE_BRANCHES,
      mr: { source: "feature/stable-container-tags", target: settings.defaultBranch ?? "main" },
    });
    const options = { platform: "gitlab" as const };
    // A fresh folder each run: a fixed path would be shared by every user and run of the machine.
    const out = values.out ?? (await mkdtemp(join(tmpdir(), "ci-explain-demo-")));
    await mkdir(out, { recursive: true });
    const markdown = withFinalNewline(renderComment(analysis, options));
    await writeFile(join(out, "comment.md"), markdown);
    await writeFile(join(out, "analysis.json"), `${JSON.stringify(analysisJson(analysis), null, 2)}\n`);
    io.stdout(values.markdown ? markdown : renderCommentText(analysis, options));
    io.stdout(
      `\nThe example: ${example}/{base,head}\nThe comment's markdown: ${join(out, "comment.md")}\nThe full analysis as JSON: ${join(out, "analysis.json")}\n`,
    );
    return 0;
  },
};
