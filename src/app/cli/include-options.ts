import { firstReadable, type IncludeSource } from "../../core/include-source.js";
import { IncludeDirSource } from "../../platforms/local/include-dir-source.js";
import type { Settings } from "../../config/settings.js";
import type { BaseSettings } from "./base-settings.js";
import type { CliIo } from "./command.js";
import { optionsHelp } from "./options.js";
import { UsageError } from "./usage-error.js";

/** The options that say where includes from outside the repository are read (analyze, simulate, jobs). */
export const INCLUDE_OPTIONS = ["include-dir", "gitlab-url"] as const;

export const INCLUDE_OPTIONS_HELP = `Includes from other projects (project:, component:, template:, remote:):
${optionsHelp(INCLUDE_OPTIONS, {
  "gitlab-url":
    "the project's GitLab (default: server_url of .ci-explain.yml in the\nbase revision, else https://gitlab.com); with GITLAB_TOKEN set,\nincludes are read through its API, remote: ones only from the\nhosts the base revision's .ci-explain.yml allows\n(includes: remote_hosts)",
})}
  Without either (or without GITLAB_TOKEN), they are reported as not analysed. GITLAB_TOKEN
  goes only to --gitlab-url or the base revision's server_url: never to one the analysed
  revision or the files on disk name (the base: --base, else the merge-base with the
  default branch).`;

/**
 * Where the CLI reads includes from outside the repository: pinned copies first, then the GitLab
 * API with `GITLAB_TOKEN` — only when the user gave one of them. Never a network call otherwise.
 * The token goes to `--gitlab-url`, else to `server_url` of the base revision's settings
 * (`base`, asked only when a token is set); the analysed revision's own settings (`analysed`)
 * never choose where it goes, nor which hosts remote includes come from.
 */
export async function cliIncludeSource(
  values: { "gitlab-url"?: string; "include-dir"?: string },
  io: CliIo,
  { analysed, base, project }: { analysed: Pick<Settings, "serverUrl">; base: () => Promise<BaseSettings | undefined>; project: string | undefined },
): Promise<IncludeSource | undefined> {
  const sources: IncludeSource[] = [];
  if (values["include-dir"] !== undefined) sources.push(new IncludeDirSource(values["include-dir"]));
  const token = io.env.GITLAB_TOKEN;
  const given = values["gitlab-url"];
  if (given !== undefined && !token) throw new UsageError("--gitlab-url needs GITLAB_TOKEN in the environment");
  if (given !== undefined && !isHttpUrl(given)) throw new UsageError(`--gitlab-url must be an http(s) URL, not "${given}"`);
  const trusted = token ? await base() : undefined;
  const url = given ?? trusted?.settings.serverUrl;
  if (token && url === undefined) {
    io.stderr("ci-explain: GITLAB_TOKEN is set, but there is no base revision to read server_url from (no git, or no default branch); give --gitlab-url to read includes from other projects\n");
  } else if (token && url !== undefined && !isHttpUrl(url)) {
    io.stderr(`ci-explain: server_url ${url} of the base revision is not an http(s) URL; give --gitlab-url to read includes from other projects\n`);
  } else if (token && url !== undefined) {
    if (given === undefined && trimSlash(analysed.serverUrl) !== trimSlash(url)) {
      io.stderr(`ci-explain: the analysed .ci-explain.yml names server_url ${analysed.serverUrl}; GITLAB_TOKEN goes only to ${url}, the base revision's (give --gitlab-url to choose)\n`);
    }
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
        remoteHosts: trusted?.settings.includes.remoteHosts ?? [],
      }),
    );
  }
  if (sources.length === 0) return undefined;
  return sources.length === 1 ? sources[0] : firstReadable(sources);
}

function isHttpUrl(url: string): boolean {
  return /^https?:\/\/[^/]/.test(url);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}
