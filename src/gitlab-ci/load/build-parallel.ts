import type { ParallelDef } from "../model.js";
import { isAlphanumericScalar, isNull, scalarText, type YNode } from "../yaml/node.js";
import type { NodeReader } from "./node-reader.js";

/** `parallel: N` (2..200 in GitLab) or `parallel: matrix: [...]`. */
export function buildParallel(node: YNode | undefined, what: string, reader: NodeReader): ParallelDef | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind === "scalar" && typeof node.value === "number") {
    if (!Number.isInteger(node.value) || node.value < 1 || node.value > 200) {
      reader.error("invalid-value", `${what} should be a whole number from 1 to 200, not ${node.value}`, node.pos);
      return undefined;
    }
    return { pos: node.pos, count: node.value };
  }
  if (node.kind === "map") {
    reader.knownKeys(node, ["matrix"], what);
    const matrix = buildMatrix(node.entries.get("matrix")?.value, `${what}:matrix`, reader);
    return matrix ? { pos: node.pos, matrix } : undefined;
  }
  reader.wrongType(what, "a number or a hash with `matrix`", node);
  return undefined;
}

/** Each matrix entry maps a variable to one value or a list of values. */
export function buildMatrix(node: YNode | undefined, what: string, reader: NodeReader): Array<Array<{ name: string; values: string[] }>> | undefined {
  if (isNull(node) || !node) return undefined;
  if (node.kind !== "seq") {
    reader.wrongType(what, "a list of hashes", node);
    return undefined;
  }
  const rows: Array<Array<{ name: string; values: string[] }>> = [];
  for (const item of node.items) {
    if (item.kind !== "map") {
      reader.wrongType(`${what} item`, "a hash of variables", item);
      continue;
    }
    const row: Array<{ name: string; values: string[] }> = [];
    for (const e of item.entries.values()) {
      const v = e.value;
      const scalars = v.kind === "scalar" ? [v] : v.kind === "seq" ? v.items : [];
      // Entry::Product::Variables accepts only strings and integers (AlphanumericValidator):
      // an unquoted `3.10` is the Float 3.1 to Psych, and GitLab rejects the configuration.
      const bad = scalars.find((i) => i.kind !== "scalar" || !isAlphanumericScalar(i)) ?? (scalars.length === 0 ? v : undefined);
      if (bad) {
        reader.error(
          "invalid-type",
          `${what} config should be a hash of key value pairs, value can be an array (${e.key}: quote values that are not whole numbers, e.g. "3.10")`,
          bad.pos,
        );
        continue;
      }
      row.push({ name: e.key, values: scalars.map((i) => scalarText(i as Extract<YNode, { kind: "scalar" }>)) });
    }
    rows.push(row);
  }
  return rows;
}
