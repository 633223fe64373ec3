import { isNull, scalarText, type YNode } from "../yaml/node.js";
import type { VariableDef } from "../model.js";
import type { NodeReader } from "./node-reader.js";

/**
 * `variables:` at the top level, in a job, or in a rule: `NAME: value` or
 * `NAME: { value, description, expand, options }`. GitLab stores values as strings; numbers
 * and booleans become their Ruby text (`1`, `1.0`, `true`).
 */
export function buildVariables(node: YNode | undefined, what: string, reader: NodeReader, allowExpand = true): VariableDef[] {
  const map = reader.map(node, what);
  if (!map) return [];
  const out: VariableDef[] = [];
  for (const entry of map.entries.values()) {
    const v = entry.value;
    const name = `${what}:${entry.key}`;
    if (v.kind === "scalar") {
      out.push({ name: entry.key, value: scalarText(v), expand: true, pos: entry.keyPos });
      continue;
    }
    if (v.kind !== "map") {
      reader.wrongType(name, "a string, a number, a boolean or a hash with `value`", v);
      continue;
    }
    reader.knownKeys(v, ["value", "description", "expand", "options"], name);
    const value = v.entries.get("value")?.value;
    if (value && value.kind !== "scalar") reader.wrongType(`${name}:value`, "a string", value);
    const expand = reader.boolean(v.entries.get("expand")?.value, `${name}:expand`);
    if (expand && !allowExpand) reader.error("invalid-value", `${name}:expand cannot be used in rules or workflow variables`, expand.pos);
    const description = reader.string(v.entries.get("description")?.value, `${name}:description`);
    reader.strings(v.entries.get("options")?.value, `${name}:options`);
    out.push({
      name: entry.key,
      value: value?.kind === "scalar" && !isNull(value) ? scalarText(value) : "",
      expand: expand?.value ?? true,
      pos: entry.keyPos,
      ...(description ? { description: description.value } : {}),
    });
  }
  return out;
}
