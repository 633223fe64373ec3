/**
 * Mermaid flowchart text. Node ids are generated (`n0`, `n1`, …), never taken from the
 * repository, so no name can collide with a keyword (`end`) or break the syntax; labels
 * are quoted, with the characters Mermaid or HTML would read replaced by Mermaid's
 * `#code;` entities.
 */
import { clip, singleLine } from "./markdown-escape.js";

const LABEL_ENTITIES: Record<string, string> = {
  "#": "#35;",
  '"': "#quot;",
  "<": "#lt;",
  ">": "#gt;",
  "&": "#amp;",
  "`": "#96;",
  ";": "#59;",
  "|": "#124;",
  "@": "#64;",
};

export function mermaidLabel(text: string): string {
  return `"${singleLine(clip(text, 80)).replace(/[#"<>&`;|@]/g, (c) => LABEL_ENTITIES[c])}"`;
}

export interface FlowNode {
  label: string;
  shape: "box" | "round" | "cylinder";
  className?: "changed" | "missing";
}

export interface FlowEdge {
  from: number;
  to: number;
  label?: string;
}

/** A left-to-right flowchart; `nodes` are referred to by index in `edges`. */
export function flowchart(nodes: FlowNode[], edges: FlowEdge[]): string {
  const shape = (n: FlowNode, label: string) =>
    n.shape === "round" ? `(${label})` : n.shape === "cylinder" ? `[(${label})]` : `[${label}]`;
  const lines = ["flowchart LR"];
  nodes.forEach((n, i) => lines.push(`  n${i}${shape(n, mermaidLabel(n.label))}${n.className ? `:::${n.className}` : ""}`));
  for (const e of edges) lines.push(`  n${e.from} -->${e.label ? `|${mermaidLabel(e.label)}|` : ""} n${e.to}`);
  lines.push("  classDef changed stroke:#d97706,stroke-width:3px");
  lines.push("  classDef missing stroke:#dc2626,stroke-dasharray:4 3");
  return lines.join("\n");
}
