import { it } from "vitest";
import { writeFileSync } from "node:fs";
import { renderComment, renderCommentText } from "../../src/report/comment.js";
import { renderExplainMarkdown, renderExplainText } from "../../src/report/explain.js";
import { renderCheck } from "../../src/report/check.js";
import { qemuLikeAnalysis } from "./qemu-like.js";
it("scratch", () => {
  const a = qemuLikeAnalysis();
  const o = { platform: "gitlab" as const, fileUrl: (p: string, l?: number) => `https://gitlab.com/qemu-project/qemu/-/blob/52ed34cb/${p}#L${l}` };
  writeFileSync("/tmp/ciexp/qemu.md", renderComment(a, o));
  writeFileSync("/tmp/ciexp/qemu.txt", renderCommentText(a, o));
  const s80 = a.contexts[2];
  writeFileSync("/tmp/ciexp/explain.md", renderExplainMarkdown({ pipeline: s80.after, contextName: "staging-8.0" }, o));
  writeFileSync("/tmp/ciexp/explain-job.md", renderExplainMarkdown({ pipeline: s80.after, contextName: "staging-8.0", job: "amd64-debian11-container" }, o));
  writeFileSync("/tmp/ciexp/explain.txt", renderExplainText({ pipeline: s80.after, contextName: "staging-8.0", job: "amd64-debian11-container" }));
  writeFileSync("/tmp/ciexp/check.json", JSON.stringify(renderCheck(a, o), null, 1));
});
