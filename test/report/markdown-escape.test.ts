import { describe, expect, it } from "vitest";
import { renderComment } from "../../src/report/comment.js";
import { code, paragraph, table } from "../../src/report/document.js";
import { codeFence, codeSpan, escapeMarkdownText } from "../../src/report/markdown-escape.js";
import { mermaidLabel } from "../../src/report/mermaid.js";
import { renderMarkdown } from "../../src/report/render-markdown.js";
import { renderTerminal } from "../../src/report/terminal.js";
import { analysis, context, contextAnalysis, hazard, job, pos, ruleDecision } from "./build.js";
import { cells, fencesBalanced, tablesIntact } from "./markdown-check.js";
import { tableRows } from "./rendered.js";

const ATTACK = "a|b<img src=x>@admin";

describe("repository text cannot break the comment", () => {
  const ctx = context(`evil|branch\n| x | y |`, { kind: "configured" });
  const attacker = job(ATTACK, { when: "manual", decidedBy: ruleDecision(0, pos("ci.yml", 4), '$X == "`x`" || $Y =~ /a|b/', "manual") });
  const a = analysis({
    contexts: [contextAnalysis(ctx, [job(ATTACK)], [attacker])],
    hazards: [hazard({ kind: "jobs-manual", message: "@admin <script>alert(1)</script> | #12", jobs: [ATTACK, "x"], contexts: [ctx.name] })],
  });
  const md = renderComment(a, { platform: "github" });

  it("keeps every table row at its header's cell count", () => {
    expect(tablesIntact(md)).toBe(true);
  });

  /** The comment with code spans removed: what a renderer treats as markdown and HTML. */
  const outsideCode = md.replace(/(`+)[^`]*?\1/g, "");

  it("injects no HTML", () => {
    expect(outsideCode).not.toMatch(/<img|<script/);
    expect(md).toContain("&lt;script&gt;");
  });

  it.each([
    ["verbatim in a code span in the changes", "- **`a|b<img src=x>@admin`**"],
    ["verbatim in a code span in a list", "jobs: `a|b<img src=x>@admin`"],
  ])("shows the hostile job name %s", (_where, text) => {
    expect(md).toContain(text);
  });

  it("shows the hostile branch name as text in its own table cell", () => {
    const rows = tableRows(md)[0];
    expect(rows).toHaveLength(1);
    expect(rows[0][0]).toBe("evil|branch | x | y |");
  });

  it("pings nobody", () => {
    expect(outsideCode).not.toMatch(/@admin/);
    expect(md).toContain("@\u200badmin");
  });

  it("cross-references no issue", () => {
    expect(md).not.toMatch(/#12/);
  });

  it("shows the if: text whole in a code span", () => {
    expect(md).toContain('``if: $X == "`x`" || $Y =~ /a|b/``');
  });
});

describe("escapeMarkdownText", () => {
  it.each([
    ["a pipe", "a|b", "a\\|b"],
    ["HTML", "<b>&", "&lt;b&gt;&amp;"],
    ["a mention", "@team", "@\u200bteam"],
    ["an email-like autolink", "me@host.org", "me@\u200bhost.org"],
    ["a GitLab MR reference", "fixes !42", "fixes !\u200b42"],
    ["an issue reference", "see #42", "see \\#\u200b42"],
    ["an emoji shortcode", ":tada:", ":\u200btada:"],
    ["a bare URL", "https://evil.example", "https\u200b://evil.example"],
    ["emphasis", "*x* _y_", "\\*x\\* \\_y\\_"],
    ["a link", "[x](y)", "\\[x\\](y)"],
    ["a leading list marker", "- x", "\\- x"],
    ["a leading ordered list marker", "1. x", "1\\. x"],
    ["newlines", "a\nb\r\nc", "a b c"],
    ["a backtick", "a`b", "a\\`b"],
    ["a bidi override", "ab\u202ecd", "abcd"],
  ])("escapes %s", (_name, input, expected) => {
    expect(escapeMarkdownText(input)).toBe(expected);
  });

  it("cuts very long names and says so", () => {
    const out = escapeMarkdownText("x".repeat(5000));
    expect(out.length).toBeLessThanOrEqual(300);
    expect(out.endsWith("…")).toBe(true);
  });
});

describe("codeSpan", () => {
  it.each([
    ["plain", "a", false, "`a`"],
    ["one backtick inside", "a`b", false, "``a`b``"],
    ["a run of backticks inside", "a```b", false, "````a```b````"],
    ["a leading backtick", "`a", false, "`` `a ``"],
    ["a pipe in a table cell", "a|b", true, "`a\\|b`"],
    ["a pipe outside a table", "a|b", false, "`a|b`"],
    ["a newline", "a\nb", false, "`a b`"],
    ["nothing", "", false, "*(empty)*"],
  ])("%s", (_name, input, inCell, expected) => {
    expect(codeSpan(input, inCell)).toBe(expected);
  });
});

describe("blocks", () => {
  it("a code fence no line can close", () => {
    const fenced = codeFence("```\nnot the end\n````", "text");
    expect(fenced.startsWith("`````text\n")).toBe(true);
    expect(fencesBalanced(fenced)).toBe(true);
  });

  it("a table row with fewer cells than the header is padded", () => {
    const md = renderMarkdown([table([["a"], ["b"], ["c"]], [[["1"]]])]);
    expect(cells(md.split("\n")[2])).toHaveLength(3);
  });

  it("a javascript: link is shown as text only", () => {
    const md = renderMarkdown([paragraph({ kind: "link", url: "javascript:alert(1)", content: ["x"] })]);
    expect(md).toBe("x");
  });

  it("terminal text drops escape sequences", () => {
    expect(renderTerminal([paragraph("a\u001b[31mred"), paragraph(code("b\u009b2J"))])).toBe("a[31mred\n\nb2J");
  });
});

describe("mermaidLabel", () => {
  it.each([
    ["quotes", 'say "hi"', '"say #quot;hi#quot;"'],
    ["HTML", "<img src=x>", '"#lt;img src=x#gt;"'],
    ["an entity start", "a#b", '"a#35;b"'],
    ["backticks (markdown strings)", "`x`", '"#96;x#96;"'],
    ["a mention", "@admin", '"#64;admin"'],
    ["newlines", "a\nb", '"a b"'],
  ])("escapes %s", (_name, input, expected) => {
    expect(mermaidLabel(input)).toBe(expected);
  });
});

describe("hazard messages", () => {
  it.each([
    ["backticks around a value become a code span", "`staging-8.0` and `staging` push the same image", "`staging-8.0` and `staging` push the same image"],
    ["text around them is escaped", "`x` <b>@dev</b>", "`x` &lt;b&gt;@\u200bdev&lt;/b&gt;"],
    ["a value with a backtick cannot open a span that swallows the rest", "`a`b` is *odd*", "`a`b\\` is \\*odd\\*"],
  ])("%s", (_name, message, expected) => {
    const md = renderComment(analysis({ hazards: [hazard({ kind: "jobs-lost", message })] }), { platform: "gitlab" });
    expect(md).toContain(`\n\n${expected}\n\n`);
  });
});
