import { actionInputList, csvRecords } from "./action-input-list.js";

/**
 * docker/metadata-action's `tags`, `flavor` and `images` inputs read as the action reads them
 * (src/context.ts `getInputs`, src/tag.ts, src/flavor.ts, src/image.ts). A problem the action
 * throws on (the step then fails and nothing is pushed) is returned as an error text.
 */

export type TagType = "schedule" | "semver" | "pep440" | "match" | "edge" | "ref" | "raw" | "sha";
const TYPES: readonly TagType[] = ["schedule", "semver", "pep440", "match", "edge", "ref", "raw", "sha"];

/** src/tag.ts `DefaultPriorities`: the order tags are processed in, highest first. */
const DEFAULT_PRIORITY: Record<TagType, string> = { schedule: "1000", semver: "900", pep440: "900", match: "800", edge: "700", ref: "600", raw: "200", sha: "100" };

/** With an empty `tags` input the action uses these four (src/tag.ts `Transform`). */
const DEFAULT_TAGS = ["type=schedule", "type=ref,event=branch", "type=ref,event=tag", "type=ref,event=pr"];

export interface TagSpec {
  type: TagType;
  /** Every attribute, defaults filled in (`enable`, `priority`, and per type). */
  attrs: Record<string, string>;
  /** The line as written, for messages. */
  line: string;
}

export interface Flavor {
  latest: "auto" | "true" | "false";
  prefix: string;
  prefixLatest: boolean;
  suffix: string;
  suffixLatest: boolean;
}

export interface ImageSpec {
  name: string;
  enable: boolean;
}

/** The action's list inputs: one item per line, `#` starting a comment only at a line's start. */
export function metadataInputList(input: string): string[] {
  return actionInputList(input, { ignoreComma: true, comment: "#", commentNoInfix: true });
}

/** A line's fields, as csv-parse splits one record. */
function fieldsOf(line: string): string[] {
  return csvRecords(line)[0] ?? [];
}

const has = (attrs: Record<string, string>, key: string) => Object.prototype.hasOwnProperty.call(attrs, key);

/** src/tag.ts `Parse`: `key=value` fields (split at the first `=`); a bare field is the value. */
export function parseTag(line: string): TagSpec | string {
  const attrs: Record<string, string> = {};
  let type: TagType | undefined;
  for (const field of fieldsOf(line)) {
    const eq = field.indexOf("=");
    if (eq <= 0) {
      attrs.value = field.trim();
      continue;
    }
    const key = field.slice(0, eq).trim().toLowerCase();
    const value = field.slice(eq + 1).trim();
    if (key === "type") {
      if (!TYPES.includes(value as TagType)) return `Unknown tag type attribute: ${value}`;
      type = value as TagType;
    } else attrs[key] = value;
  }
  type ??= "raw";
  switch (type) {
    case "schedule":
      if (!has(attrs, "pattern")) attrs.pattern = "nightly";
      break;
    case "semver":
    case "pep440":
      if (!has(attrs, "pattern")) return `Missing pattern attribute for ${line}`;
      if (!has(attrs, "value")) attrs.value = "";
      if (!has(attrs, "match")) attrs.match = "";
      break;
    case "match":
      if (!has(attrs, "pattern")) return `Missing pattern attribute for ${line}`;
      if (!has(attrs, "group")) attrs.group = "0";
      if (Number.isNaN(+attrs.group)) return `Invalid match group for ${line}`;
      if (!has(attrs, "value")) attrs.value = "";
      break;
    case "edge":
      if (!has(attrs, "branch")) attrs.branch = "";
      break;
    case "ref":
      if (!has(attrs, "event")) return `Missing event attribute for ${line}`;
      if (!["branch", "tag", "pr"].includes(attrs.event)) return `Invalid event for ${line}`;
      if (attrs.event === "pr" && !has(attrs, "prefix")) attrs.prefix = "pr-";
      break;
    case "raw":
      if (!has(attrs, "value")) return `Missing value attribute for ${line}`;
      break;
    case "sha":
      if (!has(attrs, "prefix")) attrs.prefix = "sha-";
      if (!has(attrs, "format")) attrs.format = "short";
      if (!["short", "long"].includes(attrs.format)) return `Invalid format for ${line}`;
      break;
  }
  if (!has(attrs, "enable")) attrs.enable = "true";
  if (!has(attrs, "priority")) attrs.priority = DEFAULT_PRIORITY[type];
  return { type, attrs, line };
}

/**
 * Every tag rule, highest `priority` first; rules of equal priority keep their written order
 * (the action's comparator answers 0 for them and JavaScript's sort is stable).
 */
export function parseTags(lines: string[], errors: string[]): TagSpec[] {
  const specs: TagSpec[] = [];
  for (const line of lines.length > 0 ? lines : DEFAULT_TAGS) {
    const parsed = parseTag(line);
    if (typeof parsed === "string") errors.push(parsed);
    else specs.push(parsed);
  }
  return specs.sort((a, b) => {
    const x = Number(a.attrs.priority);
    const y = Number(b.attrs.priority);
    return x < y ? 1 : x > y ? -1 : 0;
  });
}

/** src/flavor.ts: `key=value` fields; `onlatest=` applies to the prefix or suffix just before it. */
export function parseFlavor(lines: string[], errors: string[]): Flavor {
  const flavor: Flavor = { latest: "auto", prefix: "", prefixLatest: false, suffix: "", suffixLatest: false };
  for (const line of lines) {
    let onlatestFor = "";
    for (const field of fieldsOf(line)) {
      const parts = field.split("=").map((p) => p.trim());
      if (parts.length === 1) {
        errors.push(`Invalid flavor entry: ${line}`);
        return flavor;
      }
      const [key, value] = [parts[0].toLowerCase(), parts[1]];
      if (key === "latest") {
        if (value !== "auto" && value !== "true" && value !== "false") {
          errors.push(`Invalid latest flavor entry: ${line}`);
          return flavor;
        }
        flavor.latest = value;
      } else if (key === "prefix") {
        flavor.prefix = value;
        onlatestFor = "prefix";
      } else if (key === "suffix") {
        flavor.suffix = value;
        onlatestFor = "suffix";
      } else if (key === "onlatest") {
        if (value !== "true" && value !== "false") {
          errors.push(`Invalid value for onlatest attribute: ${value}`);
          return flavor;
        }
        if (onlatestFor === "prefix") flavor.prefixLatest = value === "true";
        else if (onlatestFor === "suffix") flavor.suffixLatest = value === "true";
      } else {
        errors.push(`Unknown flavor entry: ${line}`);
        return flavor;
      }
    }
  }
  return flavor;
}

/**
 * src/image.ts: one line of comma-separated names (the old format), or one image per line with
 * `name=` and `enable=` attributes. Names are lower-cased when tags are made (`sanitizeImageName`).
 */
export function parseImages(lines: string[], errors: string[]): ImageSpec[] {
  if (lines.length === 1) {
    const fields = fieldsOf(lines[0]).map((f) => f.split("=").map((p) => p.trim()));
    if (fields.every((parts) => parts.length === 1)) return fields.map((parts) => ({ name: parts[0], enable: true }));
  }
  const images: ImageSpec[] = [];
  for (const line of lines) {
    const image: ImageSpec = { name: "", enable: true };
    for (const field of fieldsOf(line)) {
      const parts = field.split("=").map((p) => p.trim());
      if (parts.length === 1) image.name = parts[0];
      else if (parts[0].toLowerCase() === "name") image.name = parts[1];
      else if (parts[0].toLowerCase() === "enable") {
        if (parts[1] !== "true" && parts[1] !== "false") {
          errors.push(`Invalid enable attribute value: ${line}`);
          return images;
        }
        image.enable = parts[1] === "true";
      } else {
        errors.push(`Unknown image attribute: ${line}`);
        return images;
      }
    }
    if (image.name.length === 0) {
      errors.push(`Image name attribute empty: ${line}`);
      return images;
    }
    images.push(image);
  }
  return images;
}
