import type { Pos } from "./pos.js";

/**
 * Every finding about the user's input is a value with a position, never a thrown string.
 * Throws are reserved for our own bugs.
 */
export type DiagnosticCode =
  | "yaml-syntax"
  | "yaml-duplicate-key"
  | "yaml-alias-limit"
  | "file-too-large"
  | "file-missing"
  | "nesting-too-deep"
  | "include-missing"
  | "include-invalid"
  | "include-cycle"
  | "include-limit"
  | "include-not-analysed"
  | "include-wildcard-empty"
  | "extends-unknown"
  | "extends-cycle"
  | "extends-depth"
  | "reference-unknown"
  | "reference-depth"
  | "invalid-type"
  | "invalid-value"
  | "unknown-keyword"
  | "expression-syntax"
  | "expression-runtime"
  | "regex-invalid"
  | "needs-missing"
  | "needs-invalid"
  | "stage-unknown"
  | "matrix-limit"
  | "inputs-invalid"
  | "config-invalid"
  | "not-analysed"
  | "include-rules-unknown"
  | "include-ref-approximate"
  | "script-missing"
  | "variable-cycle"
  | "value-too-large"
  | "job-limit";

export type Severity = "error" | "warning";

export interface Diagnostic {
  code: DiagnosticCode;
  severity: Severity;
  message: string;
  pos?: Pos;
}

export function error(code: DiagnosticCode, message: string, pos?: Pos): Diagnostic {
  return { code, severity: "error", message, pos };
}

export function warning(code: DiagnosticCode, message: string, pos?: Pos): Diagnostic {
  return { code, severity: "warning", message, pos };
}

/** The JSON shape every CLI command prints: `{ message, file, line }`. */
export function diagnosticJson(d: Diagnostic): { message: string; file?: string; line?: number; col?: number; code: string } {
  return { message: d.message, file: d.pos?.file, line: d.pos?.line, col: d.pos?.col, code: d.code };
}

/** `file:line:col: message [code]`, as compilers and linters print. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.pos ? `${d.pos.file}:${d.pos.line}${d.pos.col ? `:${d.pos.col}` : ""}: ` : "";
  return `${where}${d.severity}: ${d.message} [${d.code}]`;
}
