/**
 * The part of node-semver that docker/metadata-action relies on for `type=semver`:
 * `semver.valid` (strict SemVer 2.0.0: node-semver's FULL pattern, an optional leading `v`,
 * surrounding blanks ignored) and the fields its `pattern` can print.
 */
export interface SemVer {
  raw: string;
  version: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: string[];
  build: string[];
}

const NUM = "0|[1-9]\\d*";
const PRE_ID = `(?:${NUM}|\\d*[a-zA-Z-][a-zA-Z0-9-]*)`;
const BUILD_ID = "[0-9A-Za-z-]+";
const FULL = new RegExp(
  `^v?(${NUM})\\.(${NUM})\\.(${NUM})(?:-(${PRE_ID}(?:\\.${PRE_ID})*))?(?:\\+(${BUILD_ID}(?:\\.${BUILD_ID})*))?$`,
);

export function parseSemver(input: string): SemVer | undefined {
  const raw = input.trim();
  const m = FULL.exec(raw);
  if (!m) return undefined;
  const prerelease = m[4] ? m[4].split(".") : [];
  const build = m[5] ? m[5].split(".") : [];
  const core = `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}`;
  return {
    raw: input,
    // node-semver's `version` leaves build metadata out.
    version: prerelease.length ? `${core}-${prerelease.join(".")}` : core,
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    prerelease,
    build,
  };
}
