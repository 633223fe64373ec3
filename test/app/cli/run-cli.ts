import { execFileSync } from "node:child_process";
import { main } from "../../../src/app/cli/main.js";

/** The CLI run in-process in `cwd`, with its exit code and what it printed. */
export async function runCli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, env: {} });
  return { code, stdout, stderr };
}

/** git in `repo`, with a committer identity (a test machine may have none). */
export function gitIn(repo: string, ...args: string[]): void {
  execFileSync("git", ["-C", repo, "-c", "user.email=t@example.com", "-c", "user.name=t", ...args], { stdio: "pipe" });
}
