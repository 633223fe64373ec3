/** Turning an Analysis into what people see. Pure functions: no I/O. */
export { renderComment, renderCommentText, commentBlocks, DETAIL_LADDER } from "./comment.js";
export { renderCheck, CHECK_NAME, CHECK_TITLE_LIMIT, type CheckOutput } from "./check.js";
export { renderCombinedComment, renderCombinedCommentText, renderCombinedCheck, combinedHeadline, worstConclusion, DIALECT_NAME } from "./combined.js";
export { checkAnnotations, selectAnnotations, ANNOTATIONS_PER_CHECK, type CheckAnnotation } from "./annotations.js";
export { renderStatus, STATUS_DESCRIPTION_LIMIT, type CommitStatus } from "./status.js";
export {
  explainBlocks,
  renderExplainMarkdown,
  renderExplainText,
  describeVarOrigin,
  type ExplainRequest,
  type ExplainablePipeline,
} from "./explain.js";
export {
  commentMarker,
  commentMarkerText,
  hasCommentMarker,
  findMarkedComment,
  isOwnReport,
  REPLY_MARKER,
  DEFAULT_MARKER_KEY,
} from "./marker.js";
export { headline, headlineText } from "./headline.js";
export { renderMarkdown } from "./render-markdown.js";
export { renderTerminal } from "./terminal.js";
export { fitToBudget } from "./budget.js";
export { COMMENT_BUDGET, CHECK_OUTPUT_LIMIT, changeNoun, type ReportOptions } from "./options.js";
export type { Block, Inline, Span } from "./document.js";
