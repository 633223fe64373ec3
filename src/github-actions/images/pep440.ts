/**
 * PEP 440 versions as docker/metadata-action's `type=pep440` reads them (it uses
 * @renovate/pep440): the canonical regular expression of PEP 440's appendix, and the
 * normalised form (`clean`) it prints.
 */
export interface Pep440 {
  raw: string;
  /** The normalised version (`1.0rc1`, `2!1.0.post2.dev3`). */
  version: string;
  major: number;
  minor: number;
  patch: number;
  isPrerelease: boolean;
  isPostrelease: boolean;
  isDevrelease: boolean;
}

const PATTERN = new RegExp(
  "^\\s*v?(?:(?:(\\d+)!)?(\\d+(?:\\.\\d+)*)" +
    "([-_.]?(a|b|c|rc|alpha|beta|pre|preview)[-_.]?(\\d+)?)?" +
    "((?:-(\\d+))|(?:[-_.]?(post|rev|r)[-_.]?(\\d+)?))?" +
    "([-_.]?(dev)[-_.]?(\\d+)?)?)" +
    "(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?\\s*$",
  "i",
);

const PRE_NAMES: Record<string, string> = { a: "a", alpha: "a", b: "b", beta: "b", c: "rc", rc: "rc", pre: "rc", preview: "rc" };

export function parsePep440(input: string): Pep440 | undefined {
  const m = PATTERN.exec(input);
  if (!m) return undefined;
  const release = m[2].split(".").map(Number);
  let version = "";
  if (m[1] && Number(m[1]) !== 0) version += `${Number(m[1])}!`;
  version += release.join(".");
  const isPrerelease = m[3] !== undefined;
  if (isPrerelease) version += `${PRE_NAMES[m[4].toLowerCase()]}${Number(m[5] ?? 0)}`;
  const isPostrelease = m[6] !== undefined;
  if (isPostrelease) version += `.post${Number(m[7] ?? m[9] ?? 0)}`;
  const isDevrelease = m[10] !== undefined;
  if (isDevrelease) version += `.dev${Number(m[12] ?? 0)}`;
  if (m[13]) version += `+${m[13].toLowerCase().replace(/[-_]/g, ".")}`;
  return {
    raw: input,
    version,
    major: release[0],
    minor: release[1] ?? 0,
    patch: release[2] ?? 0,
    isPrerelease,
    isPostrelease,
    isDevrelease,
  };
}
