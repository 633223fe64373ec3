import type { FileSource } from "../core/file-source.js";

/**
 * Files that differ between two revisions: added, deleted, or with other content. Content is
 * compared by blob id when both sources know it (no file is read), else by reading both texts.
 */
export async function changedFilesBetween(base: FileSource, head: FileSource): Promise<string[]> {
  const [before, after] = await Promise.all([base.list(""), head.list("")]);
  const inBase = new Set(before);
  const inHead = new Set(after);
  const changed: string[] = [];
  for (const path of before) if (!inHead.has(path)) changed.push(path);
  for (const path of after) {
    if (!inBase.has(path)) changed.push(path);
    else if (await differs(base, head, path)) changed.push(path);
  }
  return changed.sort();
}

async function differs(base: FileSource, head: FileSource, path: string): Promise<boolean> {
  if (base.blobId && head.blobId) {
    const [a, b] = await Promise.all([base.blobId(path), head.blobId(path)]);
    if (a !== undefined && b !== undefined) return a !== b;
  }
  const [a, b] = await Promise.all([base.read(path), head.read(path)]);
  return a !== b;
}
