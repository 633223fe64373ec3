import type { VerifyReport } from "../../../verify/verify-report.js";
import { UsageError, type CliCommand } from "../command.js";
import { optionsHelp, parseCommandLine } from "../options.js";
import { checkProjectPath, parseFormat } from "../parse-options.js";

const OPTION_NAMES = ["project", "gitlab-url", "repo", "github-url", "branch", "format"] as const;

const usage = `Usage: ci-explain verify (--project NAMESPACE/NAME [--gitlab-url URL] | --repo OWNER/NAME [--github-url URL])
                         [--branch NAME]... [--format text|json]

Is ci-explain right on your project? Before installing it, compare its predictions with
what the platform really did. For the default branch, the branches the analysis would
choose (those the CI rules test) and the latest tag:
  GitLab: the CI Lint API's pipeline creation simulation (push) and the newest real
          pipelines (push, schedule, manual/API runs, merge request pipelines into the
          branch), each against ci-explain's prediction for the same commit and source;
  GitHub: the newest workflow runs (push, pull request, schedule, ...), the same way.
Prints, per ref, how many job predictions agreed, differed, could not tell (they depended
on inputs ci-explain did not know) or were explained by the platform (a job from an
include it could not read, a job a policy added), and every job that differed with the
rule that decided it. See docs/verify.md.

Options:
${optionsHelp(OPTION_NAMES, {
  project: "the GitLab project (namespace/name); needs GITLAB_TOKEN (read_api)",
  repo: { value: "OWNER/NAME", help: "the GitHub repository; needs GITHUB_TOKEN (actions and contents: read)" },
  branch: "verify this branch instead of those the analysis would choose\n(repeat; the default branch and the latest tag are always verified)",
  format: "text (default) or json",
})}

Exit codes: 0 no certain prediction was wrong, 1 a certain prediction was wrong,
2 wrong usage, 3 the platform could not be read (the project, its branches).`;

export const verifyCommand: CliCommand = {
  name: "verify",
  summary: "compare ci-explain's predictions with the pipelines your project really ran",
  usage,
  options: OPTION_NAMES,
  async run(args, io) {
    const { values } = parseCommandLine(args, OPTION_NAMES);
    const format = parseFormat(values.format ?? "text", ["text", "json"]);
    if ((values.project === undefined) === (values.repo === undefined)) throw new UsageError("give one of --project (GitLab) and --repo (GitHub)");
    checkProjectPath(values.project);
    if (values.repo !== undefined && !/^[^/\s]+\/[^/\s]+$/.test(values.repo)) throw new UsageError(`--repo must look like owner/name, not "${values.repo}"`);
    for (const [flag, url] of [["--gitlab-url", values["gitlab-url"]], ["--github-url", values["github-url"]]] as const) {
      if (url !== undefined && !/^https?:\/\/[^/]/.test(url)) throw new UsageError(`${flag} must be an http(s) URL, not "${url}"`);
    }
    const progress = (line: string) => io.stderr(`ci-explain verify: ${line}\n`);
    const { LruBlobCache } = await import("../../../platforms/blob-cache.js");
    const { describeFailure } = await import("../../../platforms/describe-failure.js");
    let report: VerifyReport;
    try {
      if (values.project !== undefined) {
        const token = io.env.GITLAB_TOKEN;
        if (!token) throw new UsageError("--project needs GITLAB_TOKEN in the environment (a token with the read_api scope)");
        const url = values["gitlab-url"] ?? "https://gitlab.com";
        const [{ createGitLabApi }, { verifyGitLabProject }] = await Promise.all([import("../../../platforms/gitlab/gitlab-api.js"), import("../../../platforms/gitlab/verify-project.js")]);
        report = await verifyGitLabProject({ api: createGitLabApi({ url, token }), project: values.project, serverUrl: url, cache: new LruBlobCache(), branches: values.branch, progress });
      } else {
        const token = io.env.GITHUB_TOKEN ?? io.env.GH_TOKEN;
        if (!token) throw new UsageError("--repo needs GITHUB_TOKEN in the environment");
        const [owner, repo] = String(values.repo).split("/");
        const [{ gitHubClient }, { verifyGitHubRepository }] = await Promise.all([import("../../github-octokit.js"), import("../../../platforms/github/verify-repository.js")]);
        const api = gitHubClient({ token, ...(values["github-url"] ? { baseUrl: values["github-url"].replace(/\/+$/, "") } : {}) });
        report = await verifyGitHubRepository({ api, owner, repo, cache: new LruBlobCache(), branches: values.branch, progress });
      }
    } catch (err) {
      if (err instanceof UsageError) throw err;
      io.stderr(`ci-explain verify: ${describeFailure(err)}\n`);
      return 3;
    }
    const { hasWrongPrediction } = await import("../../../verify/verify-report.js");
    if (format === "json") io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      const [{ verifyBlocks }, { renderTerminal }] = await Promise.all([import("../../../report/verify.js"), import("../../../report/terminal.js")]);
      io.stdout(`${renderTerminal(verifyBlocks(report))}\n`);
    }
    return hasWrongPrediction(report) ? 1 : 0;
  },
};
