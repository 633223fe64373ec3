import type { Truth } from "../pipeline.js";

/** Three-valued AND: false wins, then unknown. */
export function and3(values: Truth[]): Truth {
  if (values.includes(false)) return false;
  if (values.includes("unknown")) return "unknown";
  return true;
}

/** Three-valued OR: true wins, then unknown. */
export function or3(values: Truth[]): Truth {
  if (values.includes(true)) return true;
  if (values.includes("unknown")) return "unknown";
  return false;
}

export function not3(value: Truth): Truth {
  return value === "unknown" ? "unknown" : !value;
}
