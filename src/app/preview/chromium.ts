import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { COMMENT_WIDTH } from "./html-page.js";

/**
 * A headless Chromium that lays a preview page out as a browser does: it reads back what the
 * page measured (its height, what is wider than the comment column) and takes the screenshot.
 */

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

/** `$CHROMIUM`, else the first browser installed in the usual places; undefined when none is. */
export function findChromium(env: Record<string, string | undefined>): string | undefined {
  if (env.CHROMIUM) return env.CHROMIUM;
  return CANDIDATES.find((path) => existsSync(path));
}

export interface PageMeasure {
  /** Of the page, in CSS pixels, with every `<details>` as asked. */
  height: number;
  /** The comment's content width (the column less its padding). */
  column: number;
  /** Elements wider than the column. */
  wide: Array<{ tag: string; width: number; text: string }>;
}

/** The whole page is shot; a taller one is cut at this height (said in the output). */
export const MAX_SCREENSHOT_HEIGHT = 30_000;

/** Left margin, the column, and a margin on the right. */
const WINDOW_WIDTH = COMMENT_WIDTH + 32;

/** Runs Chromium once with a fresh, empty profile, and removes the profile afterwards. */
async function runChromium(chromium: string, args: string[]): Promise<string> {
  const profile = await mkdtemp(join(tmpdir(), "ci-explain-chromium-"));
  try {
    const { stdout } = await promisify(execFile)(
      chromium,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        `--user-data-dir=${profile}`,
        ...args,
      ],
      { encoding: "utf8", timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    await rm(profile, { recursive: true, force: true });
  }
}

function pageUrl(htmlPath: string, open: boolean): string {
  return `${pathToFileURL(htmlPath).href}${open ? "#open" : ""}`;
}

/** Lays the page out and reads back what its script measured. */
export async function measurePage(chromium: string, htmlPath: string, open: boolean): Promise<PageMeasure> {
  const dom = await runChromium(chromium, [`--window-size=${WINDOW_WIDTH},1000`, "--dump-dom", pageUrl(htmlPath, open)]);
  const found = /<pre id="measure">([\s\S]*?)<\/pre>/.exec(dom)?.[1];
  if (!found) throw new Error(`${htmlPath}: the page did not report its measures`);
  const json = found.replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return JSON.parse(json) as PageMeasure;
}

/** A PNG of the whole page (up to MAX_SCREENSHOT_HEIGHT), as tall as `height`. */
export async function screenshotPage(chromium: string, htmlPath: string, pngPath: string, height: number, open: boolean): Promise<void> {
  const h = Math.min(Math.max(height, 200), MAX_SCREENSHOT_HEIGHT);
  await runChromium(chromium, [`--window-size=${WINDOW_WIDTH},${h}`, `--screenshot=${pngPath}`, pageUrl(htmlPath, open)]);
}
