import type { AnalyzeRepositoryInput } from "../../analysis/analyze-repository.js";
import type { Analysis } from "../../analysis/model.js";
import type { IncludeSource, Lookup } from "../../core/include-source.js";

/**
 * The messages between the server and an analysis worker. The analysis runs in the worker;
 * its two revisions and its include source stay in the server (API clients, caches, write
 * guards, tokens), and the worker reads them through these messages. Everything here is
 * structured-clone data.
 */

export type Side = "base" | "head";

/** A revision as the worker sees it: its label, and which optional verbs it answers. */
export interface SourceShape {
  label: string;
  blobId: boolean;
  prefetch: boolean;
}

/** An include source as the worker sees it: what it says of itself. */
export interface IncludeShape {
  label: string;
  host?: string;
}

/** One question to an IncludeSource, as data: a verb of the interface and its arguments. */
export type IncludeQuestion =
  | { verb: "commit"; project: string; ref: string | undefined }
  | { verb: "releases"; project: string }
  | { verb: "file"; project: string; commit: string; path: string }
  | { verb: "template"; name: string }
  | { verb: "remote"; url: string };

/** Ask `source` the question (the server's side of an include read). */
export function askIncludes(source: IncludeSource, q: IncludeQuestion): Promise<Lookup<unknown>> {
  switch (q.verb) {
    case "commit":
      return source.commit(q.project, q.ref);
    case "releases":
      return source.releases(q.project);
    case "file":
      return source.file(q.project, q.commit, q.path);
    case "template":
      return source.template(q.name);
    case "remote":
      return source.remote(q.url);
  }
}

/** An include source that asks its questions through `ask` (the worker's side). */
export function includesAskedBy(shape: IncludeShape, ask: (q: IncludeQuestion) => Promise<unknown>): IncludeSource {
  const lookup = <T>(q: IncludeQuestion) => ask(q) as Promise<Lookup<T>>;
  return {
    label: shape.label,
    ...(shape.host !== undefined ? { host: shape.host } : {}),
    commit: (project, ref) => lookup({ verb: "commit", project, ref }),
    releases: (project) => lookup({ verb: "releases", project }),
    file: (project, commit, path) => lookup({ verb: "file", project, commit, path }),
    template: (name) => lookup({ verb: "template", name }),
    remote: (url) => lookup({ verb: "remote", url }),
  };
}

/** What one analysis needs, less the sources (sent as shapes) and anything that is not data. */
export type AnalysisRequest = Omit<AnalyzeRepositoryInput, "base" | "head" | "parseCache" | "stats" | "includeSource">;

export type ToWorker =
  | { type: "analyze"; entry: "analyze" | "analyzeRepository"; input: AnalysisRequest; sources: Record<Side, SourceShape>; includes?: IncludeShape }
  | { type: "answer"; call: number; ok: true; value: unknown }
  | { type: "answer"; call: number; ok: false; message: string };

export type FromWorker =
  | { type: "ready" }
  | { type: "call"; call: number; side: Side; verb: "read" | "list" | "blobId"; path: string }
  | { type: "include"; call: number; question: IncludeQuestion }
  | { type: "prefetch"; side: Side; paths: readonly string[] }
  | { type: "done"; ok: true; analyses: Analysis[] }
  | { type: "done"; ok: false; message: string };
