import { it } from "vitest";
import { renderComment } from "../../src/report/comment.js";
import { qemuLikeAnalysis } from "./qemu-like.js";
it("x", () => { console.log(renderComment(qemuLikeAnalysis(), { platform: "gitlab", maxChars: 1200 })); });
