export * from "./value.js";
export { tokenize, ExprSyntaxError, type Token, type TokenKind } from "./lexer.js";
export { parseExpression, pathText, usesStatusFunction, STATUS_FUNCTIONS, type Expr } from "./parser.js";
export { ExprEvalError, type JobStatus } from "./functions.js";
export * from "./evaluate.js";
export * from "./template.js";
