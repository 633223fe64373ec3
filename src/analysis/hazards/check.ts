import type { Diagnostic } from "../../core/diagnostic.js";
import type { IncludeRecord } from "../../gitlab-ci/model.js";
import type { ImageRefs } from "../images.js";
import type { AnalysedPipeline, BranchContext, Hazard, HazardKind, HazardSeverity } from "../model.js";

/** One revision (base or head) as the hazard checks see it: every context's simulated pipeline. */
export interface RevisionView {
  side: "base" | "head";
  /** False when the CI configuration has load errors (then `runs` show no pipeline). */
  loads: boolean;
  diagnostics: Diagnostic[];
  includes: IncludeRecord[];
  runs: Array<{ context: BranchContext; pipeline: AnalysedPipeline }>;
  /**
   * The MR source branch pushed while its MR is open (`CI_OPEN_MERGE_REQUESTS` set), next
   * to the MR pipeline for the same commit: what `duplicate-pipelines` compares.
   */
  openMrProbe?: { branchPush: AnalysedPipeline; mrPipeline: AnalysedPipeline; branch: string };
  /**
   * The analysis' parses of image references (the image comparison has read them all already);
   * without it a check parses what it needs itself.
   */
  imageRefs?: ImageRefs;
}

/** Facts about the change that both revisions are checked against. */
export interface ChangeFacts {
  /** Container recipes the change modifies (added, edited or deleted). */
  changedRecipes: string[];
}

/**
 * A finding before it is compared across revisions: a Hazard without what the check and the
 * comparison add (kind, severity, status). `key` identifies "the same" finding on both sides.
 */
export interface Finding extends Omit<Hazard, "kind" | "severity" | "status"> {
  key: string;
}

/** A finding once compared across revisions. */
export interface StatedFinding {
  finding: Finding;
  status: Hazard["status"];
}

/**
 * A hazard kind. `revision` checks describe a state and run on base and head: a finding only in
 * head is introduced, only in base is fixed, in both unchanged. `change` checks compare the two
 * revisions themselves (a job that turns manual), so what they find is introduced by definition.
 */
export type HazardCheck =
  | {
      kind: HazardKind;
      severity: HazardSeverity;
      scope: "revision";
      check(revision: RevisionView, change: ChangeFacts): Finding[];
      /**
       * Findings made per pair (two contexts pushing one image) are matched across revisions by
       * their own key, so each pair's status is honest; a maintainer then reads them as groups
       * (one hazard naming every context involved). Gets every finding with its status.
       */
      regroup?(findings: StatedFinding[]): StatedFinding[];
    }
  | {
      kind: HazardKind;
      severity: HazardSeverity;
      scope: "change";
      check(before: RevisionView, after: RevisionView, change: ChangeFacts): Finding[];
    };
