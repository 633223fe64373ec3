import type { ScalarValue } from "./node.js";

/**
 * What Ruby's Psych (GitLab's YAML parser) makes of a plain, untagged scalar:
 * Psych::ScalarScanner#tokenize with its default (non-strict) integers. It is not the YAML
 * 1.1 spec: `y`/`n` stay strings, while `yes`/`on`/`true` (and `no`/`off`/`false`) are
 * booleans in ANY letter case (`tRuE` too); `null`/`~`/empty are nil; `0755` is octal,
 * `0b101` binary, `1_000` and even `1,000` are integers; `1:30` is sexagesimal (90);
 * `1.5e+3` is a float but `1e3` (no dot, or no exponent sign) is a string.
 *
 * Known differences, deliberately: Psych makes `2024-01-01` a Date and a timestamp a Time
 * (GitLab's safe_load then rejects the file), and `:name` a Symbol; all three stay strings here.
 */
export function resolvePsychScalar(text: string): ScalarValue {
  if (text === "") return null;
  // Psych's early "this is a word" check: a string starting with a letter or punctuation.
  if (EARLY_STRING.test(text) || text.includes("\n")) {
    if (text.length > 5) return text;
    if (/^[^ytonf~]/i.test(text)) return text;
    if (text === "~" || /^null$/i.test(text)) return null;
    if (/^(yes|true|on)$/i.test(text)) return true;
    if (/^(no|false|off)$/i.test(text)) return false;
    return text;
  }
  if (/^\+?\.inf$/i.test(text)) return Infinity;
  if (/^-\.inf$/i.test(text)) return -Infinity;
  if (/^\.nan$/i.test(text)) return NaN;
  if (SEXAGESIMAL_INT.test(text)) return sexagesimal(text);
  if (SEXAGESIMAL_FLOAT.test(text)) return sexagesimal(text);
  if (FLOAT.test(text)) {
    if (/^[-+]?\.$/.test(text)) return text;
    return Number(text.replace(/[,_]/g, "").replace(/\.([Ee]|$)/, "$1"));
  }
  if (INTEGER_LEGACY.test(text)) return rubyInteger(text.replace(/[,_]/g, "")) ?? text;
  return text;
}

const EARLY_STRING = /^[^\d.:-]?[\p{L}_\s!@#$%^&*(){}<>|/\\~;=]+/u;
const FLOAT = /^[-+]?([0-9][0-9_,]*)?\.[0-9]*([eE][-+][0-9]+)?$/;
const INTEGER_LEGACY = /^(?:[-+]?0b[0-1_,]+|[-+]?0[0-7_,]+|[-+]?(?:0|[1-9](?:[0-9]|,[0-9]|_[0-9])*)|[-+]?0x[0-9a-fA-F_,]+)$/;
const SEXAGESIMAL_INT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}$/;
const SEXAGESIMAL_FLOAT = /^[-+]?[0-9][0-9_]*(:[0-5]?[0-9]){1,2}\.[0-9_]*$/;

/** `1:30` is 1*60+30; `1:02:03` is 3723 (Psych's base-60 reading). */
function sexagesimal(text: string): number {
  const sign = text.startsWith("-") ? -1 : 1;
  const parts = text.replace(/^[-+]/, "").replace(/_/g, "").split(":");
  let n = 0;
  for (const p of parts) n = n * 60 + Number(p);
  return sign * n;
}

/** Ruby's Integer(): `0x` hex, `0b` binary, a leading `0` octal, else decimal. */
function rubyInteger(text: string): number | undefined {
  const m = /^([-+]?)(0x|0b|0(?=\d))?(.*)$/i.exec(text);
  if (!m) return undefined;
  const base = m[2] === undefined ? 10 : m[2].toLowerCase() === "0x" ? 16 : m[2].toLowerCase() === "0b" ? 2 : 8;
  if (m[3] === "") return base === 10 ? undefined : 0;
  const n = parseInt(m[3], base);
  if (Number.isNaN(n)) return undefined;
  return m[1] === "-" ? -n : n;
}
