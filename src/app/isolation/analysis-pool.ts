import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { AnalyzeInput } from "../../analysis/analyze.js";
import type { AnalyzeRepositoryInput } from "../../analysis/analyze-repository.js";
import type { Analysis } from "../../analysis/model.js";
import type { FileSource } from "../../core/file-source.js";
import { DEFAULT_LOAD_LIMITS } from "../../gitlab-ci/load/limits.js";
import { AnalysisBudgetExceeded } from "../../platforms/analysis-budget.js";
import type { RepositoryAnalyzer } from "../../platforms/review-flow.js";
import { askIncludes, type FromWorker, type IncludeQuestion, type Side, type ToWorker } from "./source-protocol.js";

type Env = Record<string, string | undefined>;

/** What one analysis may use before it is stopped; docs/deploy.md lists them. */
export interface AnalysisBudgets {
  /** Wall-clock time of one analysis, its file reads included (ANALYSIS_TIMEOUT_MS). */
  timeMs: number;
  /** Old-generation heap of one analysis worker, in MiB (ANALYSIS_HEAP_MB). */
  heapMb: number;
  /** Each worker's parse cache, in bytes, inside that heap (PARSE_CACHE_MB). */
  parseCacheBytes: number;
  /** Jobs of one pipeline after `parallel` (MAX_PIPELINE_JOBS); past it the rest is not analysed. */
  maxJobs: number;
}

export const DEFAULT_ANALYSIS_BUDGETS: AnalysisBudgets = { timeMs: 120_000, heapMb: 1024, parseCacheBytes: 128 * 1024 * 1024, maxJobs: DEFAULT_LOAD_LIMITS.maxJobs };

export function analysisBudgetsFromEnv(env: Env): AnalysisBudgets {
  const positive = (name: string, fallback: number) => {
    const value = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
  };
  return {
    timeMs: positive("ANALYSIS_TIMEOUT_MS", DEFAULT_ANALYSIS_BUDGETS.timeMs),
    heapMb: positive("ANALYSIS_HEAP_MB", DEFAULT_ANALYSIS_BUDGETS.heapMb),
    parseCacheBytes: positive("PARSE_CACHE_MB", DEFAULT_ANALYSIS_BUDGETS.parseCacheBytes / 2 ** 20) * 2 ** 20,
    maxJobs: Math.floor(positive("MAX_PIPELINE_JOBS", DEFAULT_ANALYSIS_BUDGETS.maxJobs)),
  };
}

interface Task {
  entry: "analyze" | "analyzeRepository";
  input: AnalyzeRepositoryInput;
  resolve(analyses: Analysis[]): void;
  reject(err: unknown): void;
  /** The first failed read: the analysis failed because of it, and it says why better than the worker can. */
  readError?: unknown;
}

interface Slot {
  worker?: Worker;
  /** The worker has loaded the engine: a deadline counts from here, not from the thread's start. */
  ready?: boolean;
  task?: Task;
  timer?: NodeJS.Timeout;
}

/**
 * Analyses in worker threads, so that no change, however hostile, can stall or kill the
 * service: each runs with a wall-clock deadline and a heap limit (Node's `resourceLimits`);
 * past either its worker is terminated, the analysis fails with AnalysisBudgetExceeded (the
 * check says which budget), and a fresh worker takes the next one. The server's event loop
 * keeps answering webhooks and /healthz meanwhile. At most `size` analyses run at once; more
 * wait their turn. Workers live on, each with its parse cache: the server starts them (`warm`)
 * as it starts listening; otherwise each starts on first use.
 */
export class AnalysisPool implements RepositoryAnalyzer {
  private readonly slots: Slot[];
  private readonly waiting: Task[] = [];
  private closed = false;

  constructor(
    size: number,
    private readonly budgets: AnalysisBudgets,
    /** The worker's compiled entry; beside this module by default (dist/, or the bundle's own copy). */
    private readonly workerUrl: URL = new URL("./analysis-worker.js", import.meta.url),
  ) {
    this.slots = Array.from({ length: Math.max(1, size) }, () => ({}));
  }

  analyze = (input: AnalyzeInput): Promise<Analysis> => this.run("analyze", input).then((analyses) => analyses[0]);

  analyzeRepository = (input: AnalyzeRepositoryInput): Promise<Analysis[]> => this.run("analyzeRepository", input);

  /**
   * Start the workers now, so that the first change does not wait for a thread to load the
   * engine (the server calls this once it listens). Without a compiled worker beside this module
   * (the sources run by a test runner) they start on first use instead.
   */
  warm(): void {
    if (this.closed || !existsSync(fileURLToPath(this.workerUrl))) return;
    for (const slot of this.slots) slot.worker ??= this.spawn(slot);
  }

  /** Stop every worker (shutdown): running analyses fail, waiting ones never start. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.waiting.splice(0)) task.reject(new Error("the analysis service is shutting down"));
    await Promise.all(this.slots.map((slot) => this.stop(slot, new Error("the analysis service is shutting down"))));
  }

  private run(entry: Task["entry"], input: AnalyzeRepositoryInput): Promise<Analysis[]> {
    if (this.closed) return Promise.reject(new Error("the analysis service is shutting down"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ entry, input, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (slot.task || this.waiting.length === 0) continue;
      this.start(slot, this.waiting.shift() as Task);
    }
  }

  private start(slot: Slot, task: Task): void {
    slot.task = task;
    const worker = (slot.worker ??= this.spawn(slot));
    const { base, head, includeSource, parseCache: _cache, stats: _stats, ...request } = task.input;
    const message: ToWorker = {
      type: "analyze",
      entry: task.entry,
      input: { ...request, limits: { ...request.limits, maxJobs: this.budgets.maxJobs } },
      sources: {
        base: { label: base.label, blobId: base.blobId !== undefined, prefetch: base.prefetch !== undefined },
        head: { label: head.label, blobId: head.blobId !== undefined, prefetch: head.prefetch !== undefined },
      },
      ...(includeSource ? { includes: { label: includeSource.label, ...(includeSource.host !== undefined ? { host: includeSource.host } : {}) } } : {}),
    };
    if (slot.ready) this.startDeadline(slot);
    try {
      worker.postMessage(message);
    } catch (err) {
      this.finish(slot, (t) => t.reject(err));
    }
  }

  private startDeadline(slot: Slot): void {
    slot.timer = setTimeout(() => void this.stop(slot, new AnalysisBudgetExceeded("time", `${this.budgets.timeMs / 1000} s`)), this.budgets.timeMs);
  }

  private spawn(slot: Slot): Worker {
    slot.ready = false;
    const worker = new Worker(this.workerUrl, {
      workerData: { parseCacheBytes: this.budgets.parseCacheBytes },
      resourceLimits: { maxOldGenerationSizeMb: this.budgets.heapMb },
    });
    const current = () => slot.worker === worker;
    worker.on("message", (message: FromWorker) => {
      if (current()) this.onMessage(slot, worker, message);
    });
    worker.on("error", (err: Error & { code?: string }) => {
      if (!current()) return;
      // Node stops a worker that reaches its heap limit with this code; the process lives on.
      const failure = err.code === "ERR_WORKER_OUT_OF_MEMORY" ? new AnalysisBudgetExceeded("memory", `${this.budgets.heapMb} MiB of heap`) : err;
      void this.stop(slot, failure);
    });
    worker.on("exit", (code) => {
      if (current()) void this.stop(slot, new Error(`the analysis worker stopped (exit code ${code})`));
    });
    return worker;
  }

  private onMessage(slot: Slot, worker: Worker, message: FromWorker): void {
    if (message.type === "ready") {
      slot.ready = true;
      if (slot.task) this.startDeadline(slot);
      return;
    }
    const task = slot.task;
    if (!task) return;
    if (message.type === "done") {
      this.finish(slot, (t) => (message.ok ? t.resolve(message.analyses) : t.reject(t.readError ?? new Error(message.message))));
      return;
    }
    if (message.type === "prefetch") {
      sourceOf(task, message.side).prefetch?.(message.paths);
      return;
    }
    const answer = (reply: ToWorker) => {
      if (slot.worker === worker && slot.task === task) worker.postMessage(reply);
    };
    const verb = message.type === "include" ? askInclude(task, message.question) : readSource(sourceOf(task, message.side), message.verb, message.path);
    verb.then(
      (value: unknown) => answer({ type: "answer", call: message.call, ok: true, value }),
      (err: unknown) => {
        task.readError ??= err;
        answer({ type: "answer", call: message.call, ok: false, message: err instanceof Error ? err.message : String(err) });
      },
    );
  }

  /** The slot's task is over: settle it and start the next. */
  private finish(slot: Slot, settle: (task: Task) => void): void {
    const task = slot.task;
    clearTimeout(slot.timer);
    slot.task = undefined;
    if (task) settle(task);
    if (!this.closed) this.pump();
  }

  /** Terminate the slot's worker (a new one starts on the next task) and fail its task with `reason`. */
  private async stop(slot: Slot, reason: unknown): Promise<void> {
    const worker = slot.worker;
    slot.worker = undefined;
    this.finish(slot, (task) => task.reject(reason));
    await worker?.terminate();
  }
}

function sourceOf(task: Task, side: Side): FileSource {
  return side === "base" ? task.input.base : task.input.head;
}

function readSource(source: FileSource, verb: "read" | "list" | "blobId", path: string): Promise<unknown> {
  return verb === "read" ? source.read(path) : verb === "list" ? source.list(path) : (source.blobId?.(path) ?? Promise.resolve(undefined));
}

/** The worker only asks when the task has an include source; a stray question finds nothing readable. */
function askInclude(task: Task, question: IncludeQuestion): Promise<unknown> {
  const source = task.input.includeSource;
  return source ? askIncludes(source, question) : Promise.resolve({ unread: "no include source for this analysis" });
}
