import { describe, expect, it } from "vitest";
import { commentMarker, findMarkedComment, hasCommentMarker, isOwnReport, REPLY_MARKER } from "../../src/report/marker.js";

describe("the hidden marker", () => {
  const comments = [
    { id: 1, body: "thanks!" },
    { id: 2, body: `old report\n${commentMarker()}` },
    { id: 3, body: `github actions report\n${commentMarker("github-actions")}` },
    { id: 4, body: `reply\n${REPLY_MARKER}` },
    { id: 5, body: null },
  ];

  it.each([
    ["the default key", undefined, 2],
    ["a dialect key", "github-actions", 3],
    ["a key nobody used", "other", undefined],
  ])("finds the comment with %s", (_name, key, id) => {
    expect(findMarkedComment(comments, key)?.id).toBe(id);
  });

  it("keeps keys to one HTML comment", () => {
    expect(commentMarker("a -->b")).toBe("<!-- ci-explain:comment key=a----b -->");
    expect(hasCommentMarker(`x ${commentMarker("a -->b")}`, "a -->b")).toBe(true);
  });

  it.each([
    ["the sticky comment", comments[1].body, true],
    ["a reply", comments[3].body, true],
    ["someone else's comment", "thanks!", false],
  ])("recognises %s as the bot's own: %s", (_name, body, own) => {
    expect(isOwnReport(body)).toBe(own);
  });
});
