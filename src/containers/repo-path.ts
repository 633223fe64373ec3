import { knownText, type ExpandedText } from "./expanded-text.js";
import { atomsToText, isHole, joinAtoms, splitAtoms, stripAtomPrefix, toAtoms, type Atom } from "./text-atoms.js";

/**
 * Turn a path as a command sees it (relative to the shell's working directory, or
 * absolute) into a repository-relative path. A GitLab job starts in `$CI_PROJECT_DIR`,
 * the root of the checkout, so an absolute path under it is made relative too.
 * Holes stay holes: `..` after a segment with a hole is kept, since the hole may hold
 * several segments.
 */
export function resolveRepoPath(path: ExpandedText, cwd: ExpandedText, projectDir: ExpandedText): ExpandedText {
  const atoms = toAtoms(path.pieces);
  const underProject = stripProjectDir(atoms, projectDir);
  let joined: Atom[];
  if (underProject) joined = underProject;
  else if (atoms[0] === "/") return normalizeAtoms(atoms, path, true);
  else joined = cwd.pieces.length === 0 ? atoms : [...toAtoms(cwd.pieces), "/", ...atoms];
  const withWhy: ExpandedText = { pieces: path.pieces, unknowns: [...cwd.unknowns, ...path.unknowns.filter((u) => !cwd.unknowns.includes(u))] };
  return normalizeAtoms(joined, withWhy, false);
}

/** `$CI_PROJECT_DIR/x` → `x`; `$CI_PROJECT_DIR` itself → "" (the root). */
function stripProjectDir(atoms: Atom[], projectDir: ExpandedText): Atom[] | undefined {
  const prefix = toAtoms(projectDir.pieces);
  if (prefix.length === 0) return undefined;
  const rest = stripAtomPrefix(atoms, prefix);
  if (rest === undefined) return undefined;
  if (rest.length === 0) return [];
  return rest[0] === "/" ? rest.slice(1) : undefined;
}

function normalizeAtoms(atoms: Atom[], from: ExpandedText, absolute: boolean): ExpandedText {
  const out: Atom[][] = [];
  for (const seg of splitAtoms(atoms, "/")) {
    const text = seg.every((a) => typeof a === "string") ? seg.join("") : undefined;
    if (text === "" || text === ".") continue;
    if (text === "..") {
      const prev = out[out.length - 1];
      const prevKnown = prev !== undefined && !prev.some(isHole) && prev.join("") !== "..";
      if (prevKnown) {
        out.pop();
        continue;
      }
      if (absolute && prev === undefined) continue; // `/..` is `/`
    }
    out.push(seg);
  }
  const joined = joinAtoms(out, "/");
  return atomsToText(absolute ? ["/", ...joined] : joined, from);
}

/** Join a directory and a name (`<context>/Dockerfile`), both repository-relative. */
export function joinRepoPath(dir: ExpandedText, name: string): ExpandedText {
  if (dir.pieces.length === 0) return knownText(name);
  const atoms = [...toAtoms(dir.pieces), "/", ...name];
  return normalizeAtoms(atoms, dir, atoms[0] === "/");
}

/** A directory for display: the repository root is ".". */
export function displayDir(dir: ExpandedText): ExpandedText {
  return dir.pieces.length === 0 ? knownText(".") : dir;
}
