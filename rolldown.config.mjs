// The CLI as a few ES modules instead of ≈ 200: a short-lived `ci-explain analyze` spends a
// large share of its time resolving and compiling modules. Runs after `tsc` (it bundles dist/).
// Pure libraries on the analysis path are bundled; the server's dependencies (probot, gitbeaker,
// BullMQ, ...) stay external and load only when `serve` or `gitlab-mr` runs.
const BUNDLED = /^(yaml|re2js|zod|diff)(\/|$)/;

// The analysis worker is its own entry: the server starts it as a worker thread, from the file
// beside the bundled pool (`new URL("./analysis-worker.js", import.meta.url)`).
export default {
  input: { main: "dist/src/app/cli/main.js", "analysis-worker": "dist/src/app/isolation/analysis-worker.js" },
  platform: "node",
  external: (id) => !id.startsWith(".") && !id.startsWith("/") && !BUNDLED.test(id),
  // Cleaned first: the chunks' names carry content hashes, and the package ships this folder whole.
  output: { dir: "dist/cli", format: "esm", cleanDir: true },
};
