/**
 * Where the GitHub App's webhooks arrive. Its own module so that the CLI can name it in
 * `serve --help` without loading the server (and probot) at start-up.
 */
export const GITHUB_WEBHOOK_PATH = "/api/github/webhooks";

/** Where GitLab sends webhooks (project or group hook URL: `https://bot.example.com/api/gitlab/webhooks`). */
export const GITLAB_WEBHOOK_PATH = "/api/gitlab/webhooks";
