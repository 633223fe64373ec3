import type { ExternalRead, IncludeKind, IncludeRecord } from "../gitlab-ci/model.js";

/** Which version of one external include each side read: the report's "read from other projects". */
export interface IncludeVersion {
  kind: IncludeKind;
  /**
   * What is included, without its version: `freedesktop/ci-templates: /templates/fedora.yml`,
   * `gnome/ci-components/container-image`, a template name, a URL.
   */
  target: string;
  /** What the base read (`593a0a5fe35a`, `1.1.0 (110000000000)`); absent when the base does not include it. */
  before?: string;
  after?: string;
}

/**
 * The external includes both revisions read, paired by kind and target: a change that bumps a
 * component's version or a ci-templates ref shows here as `before → after`, and its effect in
 * the jobs like any other change.
 */
export function includeVersions(base: readonly IncludeRecord[], head: readonly IncludeRecord[]): IncludeVersion[] {
  const byTarget = new Map<string, IncludeVersion>();
  const add = (records: readonly IncludeRecord[], side: "before" | "after") => {
    for (const r of records) {
      if (!r.external) continue;
      const target = includedThing(r);
      const key = `${r.kind}\0${target}`;
      const entry = byTarget.get(key) ?? { kind: r.kind, target };
      const read = describeRead(r.external);
      // Several includes of one project at different versions: each version once.
      const known = entry[side];
      entry[side] = known === undefined ? read : known.split(", ").includes(read) ? known : `${known}, ${read}`;
      byTarget.set(key, entry);
    }
  };
  add(base, "before");
  add(head, "after");
  return [...byTarget.values()];
}

/** An include without its version, so that a bump pairs the two versions of one thing. */
function includedThing(r: IncludeRecord): string {
  const target = r.external?.target ?? r.location;
  if (r.kind === "project") return `${target}: ${r.location}`;
  // `<fqdn>/<project>/<name>@<version>`: the project and the component's name.
  if (r.kind === "component") return `${target}/${r.location.replace(/@[^@]*$/, "").split("/").pop() ?? ""}`;
  return target;
}

function describeRead(read: ExternalRead): string {
  const commit = read.commit && /^[0-9a-f]{40}$/.test(read.commit) ? read.commit.slice(0, 12) : read.commit;
  // A project include without `ref:` reads the project's default branch.
  const named = read.version ?? read.ref ?? (commit === undefined ? undefined : "default branch");
  if (commit === undefined) return named ?? "as served";
  return named === undefined || named === read.commit ? commit : `${named} (${commit})`;
}
