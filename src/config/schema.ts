import { z } from "zod";
import { PIPELINE_SOURCES } from "../gitlab-ci/context.js";
import { ACTIONS_EVENTS } from "../github-actions/events.js";

/**
 * The zod schema of `.ci-explain.yml`, written in the file's own spelling (snake_case keys,
 * as GitLab's YAML uses). `load-settings.ts` turns the parsed value into `Settings`.
 * Objects are strict: a misspelt key is an error that names it, not a silently ignored line.
 */

const HAZARD_KINDS = [
  "config-error",
  "image-tag-collision",
  "image-not-built",
  "dockerfile-not-rebuilt",
  "pipeline-lost",
  "jobs-lost",
  "jobs-manual",
  "allow-failure",
  "duplicate-pipelines",
  "needs-missing",
  "not-analysed",
  "concurrency-cancel",
  "invalid-image-reference",
] as const;

/** `namespace/name`, subgroups allowed, as GitLab spells a project path. */
const projectPath = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)+$/, "expected a project path such as `group/project`");

/**
 * CI/CD variable values: YAML reads `QEMU_CI: 1` as a number and `FLAG: true` as a boolean;
 * GitLab stores every variable as a string, so these are accepted and turned into text. A name
 * without a value (`QEMU_CI:`) declares a variable whose value is not known: kept as `null`.
 */
const variableValue = z.union([z.string(), z.number(), z.boolean(), z.null()]).transform((v) => (v === null ? null : String(v)));
const variables = z.record(z.string().regex(/^\w+$/, "a variable name is letters, digits and `_`"), variableValue);

const contextSchema = z
  .strictObject({
    name: z.string().min(1).optional(),
    branch: z.string().min(1).optional(),
    tag: z.string().min(1).optional(),
    mr: z.strictObject({ source: z.string().min(1), target: z.string().min(1) }).optional(),
    source: z.enum(PIPELINE_SOURCES).optional(),
    project: projectPath.optional(),
    variables: variables.optional(),
    // What the run has that the files do not show: the CLI's --sha, --pr-number, ... spelt the file's way.
    event: z.enum(ACTIONS_EVENTS).optional(),
    sha: z.string().regex(/^[0-9a-fA-F]{4,64}$/, "expected a commit SHA (hex digits)").optional(),
    pr_number: z.number().int().positive().optional(),
    pr_head_sha: z.string().regex(/^[0-9a-fA-F]{4,64}$/, "expected a commit SHA (hex digits)").optional(),
    now: z.union([z.string(), z.date()]).transform((t, ctx) => {
      const at = t instanceof Date ? t.getTime() : Date.parse(t);
      if (Number.isNaN(at)) {
        ctx.addIssue({ code: "custom", message: "expected a time such as 2024-05-01T12:00:00Z" });
        return z.NEVER;
      }
      return new Date(at).toISOString();
    }).optional(),
    event_payload: z.record(z.string(), z.unknown()).optional(),
  })
  .refine((c) => [c.branch, c.tag, c.mr].filter((x) => x !== undefined).length === 1, {
    message: "a context names exactly one of `branch`, `tag` or `mr`",
  })
  .refine((c) => (c.event === "pull_request" || c.event === "pull_request_target") === (c.mr !== undefined) || c.event === undefined, {
    message: "`event: pull_request` (or `pull_request_target`) goes with `mr`, and `mr` with no other event",
  })
  .refine((c) => c.event !== "release" || c.tag !== undefined, { message: "`event: release` needs `tag`" });

export const settingsFileSchema = z.strictObject({
  project: projectPath.optional(),
  default_branch: z.string().min(1).optional(),
  server_url: z.url().optional(),
  registry: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, "expected a registry host such as `registry.gitlab.com`")
    .optional(),
  ci_config_path: z.string().min(1).optional(),
  variables: variables.optional(),
  fork_variables: variables.optional(),
  contexts: z.array(contextSchema).min(1).optional(),
  containers: z.strictObject({ recipes: z.array(z.string().min(1)).optional() }).optional(),
  includes: z
    .strictObject({
      remote_hosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, "expected a host name such as `gitlab.example.com` (no scheme, port or path)")).optional(),
    })
    .optional(),
  hazards: z.partialRecord(z.enum(HAZARD_KINDS), z.enum(["error", "warning", "notice", "off"])).optional(),
  comment: z
    .strictObject({
      on_drafts: z.boolean().optional(),
      commands_from: z.enum(["anyone", "collaborators"]).optional(),
      warning_conclusion: z.enum(["success", "neutral", "failure"]).optional(),
      prediction_misses: z.boolean().optional(),
    })
    .optional(),
});

export type SettingsFile = z.output<typeof settingsFileSchema>;
