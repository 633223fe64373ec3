import type { HazardKind, HazardSeverity } from "../analysis/model.js";
import type { Diagnostic } from "../core/diagnostic.js";
import type { RunInputs } from "../gitlab-ci/context.js";

/**
 * The repository's `.ci-explain.yml` after validation, with defaults filled in.
 * (The zod schema that produces it lives next to this file.)
 */
export interface ContextSetting {
  name: string;
  branch?: string;
  tag?: string;
  mr?: { source: string; target: string };
  source?: string;
  /** `namespace/name`: run the context as if in this project (a fork). */
  project?: string;
  variables: Record<string, string | null>;
  /** GitHub Actions: the event the context is a run of (`event:`); else the one `mr`/`source` stand for. */
  event?: string;
  /** What the run has that the files do not show (`sha`, `pr_number`, `pr_head_sha`, `now`, `event_payload`). */
  run?: RunInputs;
}

export interface Settings {
  /** `namespace/name` of the project; platforms fill it when the file does not. */
  project?: string;
  defaultBranch?: string;
  serverUrl: string;
  registry: string;
  /** Path of the root CI file. */
  ciConfigPath: string;
  /**
   * Project/group CI/CD variables GitLab would inject (YAML cannot show them); `null`: declared
   * without a value, so its value is not known.
   */
  variables: Record<string, string | null>;
  /**
   * The CI/CD variables of a fork (a fork has its own project variables, not upstream's): what
   * the automatic fork context and a configured context in another project start from.
   */
  forkVariables: Record<string, string | null>;
  /** When given, these contexts replace the default choice. */
  contexts?: ContextSetting[];
  containers: { recipes: string[] };
  /** `includes: remote_hosts`: the only hosts whose `include: remote:` files are fetched (https only). */
  includes: { remoteHosts: string[] };
  hazards: Partial<Record<HazardKind, HazardSeverity | "off">>;
  comment: {
    /** Comment on draft PRs/MRs (the check is always set). */
    onDrafts: boolean;
    /** Who may run `/ci-explain`: everyone who can comment, or collaborators only. */
    commandsFrom: "anyone" | "collaborators";
    /** What the check concludes when a warning hazard is introduced. */
    warningConclusion: "success" | "neutral" | "failure";
    /**
     * Add a line to the sticky comment when a pipeline the platform ran for the change's head
     * differs from a certain prediction (docs/verify.md). Off by default.
     */
    predictionMisses: boolean;
  };
}

/** The settings a revision's file gives (or the defaults), with what was wrong in it. */
export interface LoadedSettings {
  settings: Settings;
  /** The file that was read, when there is one. */
  path?: string;
  /** Problems with the file, each naming the key and its line. An invalid file means defaults are used. */
  diagnostics: Diagnostic[];
  /**
   * The top-level keys the file set, as spelled there (`server_url`, `registry`, …): a value
   * equal to its default may still be the file's own choice. Absent or empty: no file, or an
   * invalid one, so every value is a default.
   */
  explicit?: ReadonlySet<string>;
}
