import { firstReadable, type IncludeSource } from "../../core/include-source.js";
import { IncludeDirSource } from "../../platforms/local/include-dir-source.js";
import type { CliIo } from "./command.js";
import { optionsHelp } from "./options.js";
import { UsageError } from "./usage-error.js";

/** The options that say where includes from outside the repository are read (analyze, simulate, jobs). */
export const INCLUDE_OPTIONS = ["include-dir", "gitlab-url"] as const;

export const INCLUDE_OPTIONS_HELP = `Includes from other projects (project:, component:, template:, remote:):
${optionsHelp(INCLUDE_OPTIONS, {
  "gitlab-url":
    "the project's GitLab (default: server_url of .ci-explain.yml,\nelse https://gitlab.com); with GITLAB_TOKEN set, includes are\nread through its API, remote: ones only from the hosts\n.ci-explain.yml allows (includes: remote_hosts)",
})}
  Without either (or without GITLAB_TOKEN), they are reported as not analysed.`;

/**
 * Where the CLI reads includes from outside the repository: pinned copies first, then the GitLab
 * API with `GITLAB_TOKEN` — only when the user gave one of them. Never a network call otherwise.
 */
export async function cliIncludeSource(
  values: { "gitlab-url"?: string; "include-dir"?: string },
  io: CliIo,
  settings: { serverUrl: string; includes: { remoteHosts: string[] } },
  project: string | undefined,
): Promise<IncludeSource | undefined> {
  const sources: IncludeSource[] = [];
  if (values["include-dir"] !== undefined) sources.push(new IncludeDirSource(values["include-dir"]));
  const token = io.env.GITLAB_TOKEN;
  if (values["gitlab-url"] !== undefined && !token) throw new UsageError("--gitlab-url needs GITLAB_TOKEN in the environment");
  if (token) {
    const url = values["gitlab-url"] ?? settings.serverUrl;
    if (!/^https?:\/\/[^/]/.test(url)) throw new UsageError(`--gitlab-url must be an http(s) URL, not "${url}"`);
    io.stderr(`ci-explain: reading includes from other projects through ${url} with GITLAB_TOKEN\n`);
    // Loaded only here: a run without a token never loads the API client.
    const [{ LruBlobCache }, { createGitLabApi }, { GitLabIncludeSource }] = await Promise.all([
      import("../../platforms/blob-cache.js"),
      import("../../platforms/gitlab/gitlab-api.js"),
      import("../../platforms/gitlab/gitlab-include-source.js"),
    ]);
    sources.push(
      new GitLabIncludeSource({
        api: createGitLabApi({ url, token }),
        serverUrl: url,
        ...(project ? { project } : {}),
        cache: new LruBlobCache(),
        remoteHosts: settings.includes.remoteHosts,
      }),
    );
  }
  if (sources.length === 0) return undefined;
  return sources.length === 1 ? sources[0] : firstReadable(sources);
}
