import type { Expr } from "./ast.js";

/** The variable names an expression mentions, each once, in the order written. */
export function variablesIn(expr: Expr): string[] {
  const names = new Set<string>();
  for (const node of leavesInTextOrder(expr)) if (node.kind === "variable") names.add(node.name);
  return [...names];
}

/** The leaves of the tree, in the order they appear in the text. */
export function leavesInTextOrder(expr: Expr): Expr[] {
  const leaves: Expr[] = [];
  const walk = (node: Expr): void => {
    if (node.kind === "binary") {
      walk(node.left);
      walk(node.right);
    } else {
      leaves.push(node);
    }
  };
  walk(expr);
  return leaves.sort((a, b) => a.start - b.start);
}
