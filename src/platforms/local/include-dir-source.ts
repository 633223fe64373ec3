import { readdir, readFile, stat } from "node:fs/promises";
import { resolve, sep } from "node:path";
import type { IncludeSource, Lookup, ReleaseList } from "../../core/include-source.js";

/**
 * Pinned copies of other projects' files in a local folder, laid out
 * `<project path>/<ref>/<file>` (`ci-pins/freedesktop/ci-templates/593a0a5f…/templates/fedora.yml`):
 * includes read without any network. The ref as written is the version read (a folder per ref);
 * a component's `~latest` or `1.2` picks among the version folders. What has no folder is unread,
 * never missing: the folder holds what its owner chose to pin, not the whole project.
 */
export class IncludeDirSource implements IncludeSource {
  readonly label: string;
  private readonly root: string;

  constructor(dir: string) {
    this.root = resolve(dir);
    this.label = `pinned copies in ${dir}`;
  }

  async commit(project: string, ref: string | undefined): Promise<Lookup<string>> {
    if (ref === undefined) return { unread: `${project} is included without a ref; pinned copies are read by ref (${this.label})` };
    const dir = this.inside(project, ref);
    return dir && (await isDirectory(dir)) ? { found: ref } : { unread: `no pinned copy of ${project} at ${ref} (${this.label})` };
  }

  async releases(project: string): Promise<Lookup<ReleaseList>> {
    const dir = this.inside(project);
    const entries = dir ? await readdir(dir, { withFileTypes: true }).catch(() => undefined) : undefined;
    if (!entries) return { unread: `no pinned copy of ${project} (${this.label})` };
    // The versions someone pinned, not all the project has.
    return { found: { tags: entries.filter((e) => e.isDirectory()).map((e) => ({ tag: e.name, commit: e.name })), complete: false } };
  }

  async file(project: string, commit: string, path: string): Promise<Lookup<string>> {
    const file = this.inside(project, commit, path);
    if (!file) return { unread: `${project}/${commit}/${path} is outside ${this.label}` };
    try {
      return { found: await readFile(file, "utf8") };
    } catch {
      return (await isDirectory(this.inside(project, commit) ?? "")) ? { missing: `${path} is not in the pinned copy of ${project} at ${commit}` } : { unread: `no pinned copy of ${project} at ${commit} (${this.label})` };
    }
  }

  async template(name: string): Promise<Lookup<string>> {
    return { unread: `instance templates are read through the GitLab API (GITLAB_TOKEN), not from ${this.label}` };
  }

  async remote(url: string): Promise<Lookup<string>> {
    return { unread: `${url} is remote; ${this.label} holds project files only` };
  }

  /** A path below the root, or undefined when the parts would leave it (`..`, an absolute part). */
  private inside(...parts: string[]): string | undefined {
    if (parts.some((p) => p.split("/").some((segment) => segment === ".." || segment === "."))) return undefined;
    const full = resolve(this.root, ...parts.map((p) => p.replace(/^\/+/, "")));
    return full.startsWith(this.root + sep) ? full : undefined;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return path !== "" && (await stat(path).then((s) => s.isDirectory(), () => false));
}
