import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CliIo } from "../cli/command.js";
import { main as cli } from "../cli/main.js";
import { findChromium, MAX_SCREENSHOT_HEIGHT, measurePage, screenshotPage, type PageMeasure } from "./chromium.js";
import { COMMENT_WIDTH, previewPage } from "./html-page.js";

/**
 * `npm run preview -- [analyze options] [--out DIR] [--reply BRANCH]... [--job NAME]`: what the
 * bot would post, as GitHub would show it. The comment and `/ci-explain` replies are the CLI's
 * own markdown (`analyze`, `analyze --explain BRANCH [--job NAME]`), rendered with GitHub's
 * markdown rules and stylesheet at the comment column's width to HTML and, when a Chromium is
 * installed, to PNG — collapsed as a reader first sees it, and with every section open. The
 * page measures itself, and anything wider than the column is named.
 */

const USAGE = `Usage: npm run preview -- [analyze options] [--out DIR] [--reply BRANCH]... [--job NAME]

Renders the comment the bot would post on this change, and /ci-explain replies, as GitHub
shows them (GitHub's markdown rules and stylesheet, ${COMMENT_WIDTH} px comment column), to HTML
and, with a Chromium installed ($CHROMIUM, or /usr/bin/chromium), to PNG.

  --out DIR        where to write the files (default: a new temporary folder)
  --reply BRANCH   a /ci-explain BRANCH reply to render (repeat; default: the first two
                   branch contexts the change changes)
  --job NAME       a /ci-explain BRANCH job NAME reply to render (default: the first job
                   the change changes there)
  --no-replies     the comment only

Every other option goes to \`ci-explain analyze\` (see \`ci-explain analyze --help\`).`;

interface Own {
  out?: string;
  noReplies: boolean;
  replies: string[];
  job?: string;
  rest: string[];
}

function splitOwnOptions(args: string[]): Own {
  const own: Own = { replies: [], rest: [], noReplies: false };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--out") own.out = value();
    else if (flag === "--reply") own.replies.push(value());
    else if (flag === "--job") own.job = value();
    else if (flag === "--no-replies") own.noReplies = true;
    else own.rest.push(args[i]);
  }
  return own;
}

/** One run of the CLI in this process, its output kept. */
async function runCli(argv: string[], env: CliIo["env"]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await cli(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), cwd: process.cwd(), env });
  return { code, stdout, stderr };
}

interface ContextJson {
  name: string;
  changes: Array<{ job: string }>;
  images: Array<{ tagsBefore: string[]; tagsAfter: string[] }>;
  before: { created: boolean };
  after: { created: boolean };
}

/** The contexts the change changes, from `analyze --format json`, with their changed jobs. */
function changedContexts(json: string): ContextJson[] {
  const parsed = JSON.parse(json) as { contexts?: ContextJson[]; analyses?: Array<{ contexts: ContextJson[] }> };
  const all = parsed.analyses ? parsed.analyses.flatMap((a) => a.contexts) : (parsed.contexts ?? []);
  const retagged = (c: ContextJson) => c.images.some((i) => [...i.tagsBefore].sort().join() !== [...i.tagsAfter].sort().join());
  return all.filter((c) => c.changes.length > 0 || c.before.created !== c.after.created || retagged(c));
}

function describeMeasure(name: string, m: PageMeasure, open: boolean): string {
  const state = open ? "every section open" : "as first shown";
  const cut = m.height > MAX_SCREENSHOT_HEIGHT ? ` (screenshot cut at ${MAX_SCREENSHOT_HEIGHT} px)` : "";
  const lines = [`  ${name}, ${state}: ${m.height} px tall${cut}; ${m.wide.length === 0 ? `nothing wider than the ${m.column} px column` : `${m.wide.length} element(s) wider than the ${m.column} px column:`}`];
  for (const w of m.wide.slice(0, 10)) lines.push(`    <${w.tag}> ${w.width} px: ${w.text}`);
  return lines.join("\n");
}

async function renderOne(dir: string, name: string, heading: string, markdown: string, chromium: string | undefined): Promise<string[]> {
  const md = join(dir, `${name}.md`);
  const html = join(dir, `${name}.html`);
  await writeFile(md, markdown);
  await writeFile(html, previewPage(markdown, heading));
  const report = [`${name}: ${markdown.length} characters → ${html}`];
  if (!chromium) return report;
  for (const open of [false, true]) {
    const measure = await measurePage(chromium, html, open);
    const png = join(dir, `${name}${open ? "-open" : ""}.png`);
    await screenshotPage(chromium, html, png, measure.height, open);
    report.push(describeMeasure(name, measure, open), `    → ${png}`);
  }
  return report;
}

/** A file name for a reply: `reply-staging-8.0`, `reply-staging-8.0-job-build`. */
function fileName(...parts: string[]): string {
  return parts.join("-").replace(/[^A-Za-z0-9._-]+/g, "_");
}

export async function preview(args: string[], env: CliIo["env"], print: (text: string) => void): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    print(`${USAGE}\n`);
    return 0;
  }
  const own = splitOwnOptions(args);
  const json = await runCli(["analyze", ...own.rest, "--format", "json"], env);
  if (json.code === 2) {
    print(json.stderr);
    return 2;
  }
  const changed = changedContexts(json.stdout);
  const dir = own.out ? resolve(own.out) : await mkdtemp(join(tmpdir(), "ci-explain-preview-"));
  await mkdir(dir, { recursive: true });
  const chromium = findChromium(env);

  const pages: Array<{ name: string; heading: string; argv: string[] }> = [
    { name: "comment", heading: "ci-explain (bot) commented", argv: ["analyze", ...own.rest, "--format", "markdown"] },
  ];
  const replies = own.noReplies ? [] : own.replies.length > 0 ? own.replies : changed.slice(0, 2).map((c) => c.name);
  for (const branch of replies) {
    pages.push({ name: fileName("reply", branch), heading: `reply to /ci-explain ${branch}`, argv: ["analyze", ...own.rest, "--explain", branch, "--format", "markdown"] });
  }
  const jobContext = own.replies[0] ?? changed[0]?.name;
  const job = own.job ?? changed.find((c) => c.name === jobContext)?.changes[0]?.job;
  if (!own.noReplies && jobContext !== undefined && job !== undefined) {
    pages.push({
      name: fileName("reply", jobContext, "job", job),
      heading: `reply to /ci-explain ${jobContext} job ${job}`,
      argv: ["analyze", ...own.rest, "--explain", jobContext, "--job", job, "--format", "markdown"],
    });
  }

  const report: string[] = [];
  for (const page of pages) {
    const run = await runCli(page.argv, env);
    if (run.code === 2) {
      print(run.stderr);
      return 2;
    }
    report.push(...(await renderOne(dir, page.name, page.heading, run.stdout, chromium)));
  }
  if (!chromium) report.push("No Chromium found (set $CHROMIUM or install chromium): HTML only, no PNG.");
  print(`${report.join("\n")}\n`);
  return 0;
}

// Run as a script (`npm run preview`): the process exit code is preview's.
if (import.meta.url === `file://${process.argv[1]}`) {
  preview(process.argv.slice(2), process.env, (t) => process.stdout.write(t)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`preview: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
