import type { UnknownInput } from "./pipeline.js";

/** An unknown input in a few words: `$CI_MERGE_REQUEST_LABELS (set only when the MR has labels)`. */
export function describeUnknownInput(u: UnknownInput): string {
  switch (u.kind) {
    case "variable":
      return `$${u.name} (${u.why})`;
    case "include":
      return `${u.include} (${u.why})`;
    case "fact":
      return u.why;
  }
}
