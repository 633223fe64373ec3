import { MemorySource } from "../../../src/core/memory-source.js";
import { formatDiagnostic, type Diagnostic } from "../../../src/core/diagnostic.js";
import { loadConfig } from "../../../src/gitlab-ci/index.js";
import type { JobDef, LoadOptions, LoadResult } from "../../../src/gitlab-ci/model.js";

/** Load an in-memory repository; `.gitlab-ci.yml` is the root unless options say otherwise. */
export function loadFiles(files: Record<string, string>, options: LoadOptions = {}): Promise<LoadResult> {
  return loadConfig(new MemorySource(files), options);
}

export function job(result: LoadResult, name: string): JobDef {
  const found = result.config.jobs.find((j) => j.name === name);
  if (!found) throw new Error(`no job ${name}; jobs: ${result.config.jobs.map((j) => j.name).join(", ")}`);
  return found;
}

/** `file:line: severity: message [code]` lines, the way a user reads them. */
export function findings(result: LoadResult, severity?: Diagnostic["severity"]): string[] {
  return result.diagnostics.filter((d) => !severity || d.severity === severity).map(formatDiagnostic);
}

export function codes(result: LoadResult): string[] {
  return result.diagnostics.map((d) => `${d.severity}:${d.code}@${d.pos?.file}:${d.pos?.line}`);
}

export function scriptOf(lines: { text: string; pos: { file: string; line: number } }[]): string[] {
  return lines.map((l) => `${l.text} @${l.pos.file}:${l.pos.line}`);
}
