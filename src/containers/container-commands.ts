import type { ImageBuild } from "./model.js";
import { knownValue, type ExpandedText } from "./expanded-text.js";
import { flagOn, makeSpec, optionValues, parseArgs, type OptionSpec, type ParsedArgs } from "./command-options.js";
import { atomsToText, toAtoms } from "./text-atoms.js";

export type BuildTool = ImageBuild["tool"];

/**
 * Where the recipe of a build is, as the tool will look for it (paths relative to the
 * shell's working directory, not yet to the repository):
 * - "file": `-f` given. docker reads it relative to the working directory only;
 *   podman, buildah and kaniko try the working directory first and then the build
 *   context (`fallback`).
 * - "default": no `-f`: the first of `names` that exists in the context.
 * - "none": the recipe is not a local file (stdin, a URL, a remote context).
 */
export type RecipeLocation =
  | { kind: "file"; path: ExpandedText; contextFallback: boolean }
  | { kind: "default"; names: string[] }
  | { kind: "none"; why: string };

/** What one command line does to images. */
export type ContainerCommand =
  | {
      kind: "build";
      tool: BuildTool;
      tags: ExpandedText[];
      recipe: RecipeLocation;
      /** The context directory, relative to the working directory; a remote context is `remote`. */
      context: { kind: "dir"; path: ExpandedText } | { kind: "remote"; text: ExpandedText } | { kind: "unknown"; why: string };
      push: boolean | "unknown";
      notes: string[];
    }
  | { kind: "push"; tool: BuildTool; source: ExpandedText; destination?: ExpandedText; allTags: boolean }
  | { kind: "tag"; tool: BuildTool; source: ExpandedText; targets: ExpandedText[] }
  /** Builds we see but do not model (bake, compose): reported, never guessed. */
  | { kind: "not-analysed"; what: string };

// Options of `docker build`/`docker buildx build`/`podman build`/`buildah build` that take a
// value (from each tool's reference). One table serves all: where they differ, the
// difference does not change which words are values.
const BUILD_SPEC = makeSpec(
  [
    "add-host", "allow", "annotation", "arch", "attest", "authfile", "blob-cache", "build-arg", "build-arg-file",
    "build-context", "builder", "cache-from", "cache-to", "cache-ttl", "call", "cap-add", "cap-drop", "cert-dir",
    "cgroup-parent", "cgroupns", "cpp-flag", "cpu-period", "cpu-quota", "cpu-shares", "cpuset-cpus", "cpuset-mems",
    "creds", "cw", "decryption-key", "device", "dns", "dns-option", "dns-search", "env", "file", "format", "from",
    "group-add", "hooks-dir", "iidfile", "ignorefile", "ipc", "isolation", "jobs", "label", "layer-label", "logfile",
    "manifest", "memory", "memory-swap", "metadata-file", "network", "no-cache-filter", "os", "os-feature", "os-version",
    "output", "pid", "platform", "progress", "provenance", "retry", "retry-delay", "runtime", "runtime-flag", "sbom",
    "secret", "security-opt", "shm-size", "sign-by", "signature-policy", "source-date-epoch", "source-policy-file",
    "ssh", "tag", "target", "timestamp", "ulimit", "unsetenv", "unsetlabel", "unsetannotation", "userns",
    "userns-uid-map", "userns-gid-map", "userns-uid-map-user", "userns-gid-map-group", "uts", "variant", "volume",
  ],
  [
    "all-platforms", "check", "compat-volumes", "compress", "created-annotation", "disable-compression",
    "disable-content-trust", "force-rm", "http-proxy", "identity-label", "inherit-annotations", "inherit-labels",
    "layers", "load", "log-rusage", "logsplit", "no-cache", "no-hosts", "omit-history", "pull", "push", "quiet",
    "rewrite-timestamp", "rm", "skip-unused-stages", "squash", "squash-all", "stdin", "tls-verify", "debug",
  ],
  { c: "cpu-shares", f: "file", m: "memory", o: "output", q: "quiet", t: "tag", v: "volume", D: "disable-compression" },
);

const PUSH_SPEC = makeSpec(
  [
    "authfile", "cert-dir", "compression-format", "compression-level", "creds", "digestfile", "encryption-key",
    "encrypt-layer", "format", "platform", "retry", "retry-delay", "sign-by", "sign-by-sigstore",
    "sign-by-sigstore-private-key", "sign-passphrase-file", "signature-policy",
  ],
  ["all", "all-tags", "compress", "disable-content-trust", "force-compression", "quiet", "remove-signatures", "tls-verify"],
  { a: "all-tags", q: "quiet", f: "format" },
);

const TAG_SPEC = makeSpec([], [], {});

const KANIKO_SPEC = makeSpec(
  [
    "build-arg", "cache-dir", "cache-repo", "cache-ttl", "compression", "compression-level", "context", "custom-platform",
    "customPlatform", "destination", "digest-file", "dockerfile", "git", "ignore-path", "image-download-retry",
    "image-fs-extract-retry", "image-name-tag-with-digest-file", "image-name-with-digest-file", "insecure-registry",
    "kaniko-dir", "label", "log-format", "oci-layout-path", "push-retry", "registry-certificate", "registry-client-cert",
    "registry-map", "registry-mirror", "skip-tls-verify-registry", "snapshot-mode", "snapshotMode", "tar-path", "target",
    "verbosity",
  ],
  [
    "cache", "cache-copy-layers", "cache-run-layers", "cleanup", "compressed-caching", "force", "ignore-var-run",
    "insecure", "insecure-pull", "log-timestamp", "no-push", "no-push-cache", "preserve-context",
    "push-ignore-immutable-tag-errors", "reproducible", "single-snapshot", "skip-default-registry-fallback",
    "skip-push-permission-check", "skip-tls-verify", "skip-tls-verify-pull", "skip-unused-stages", "use-new-run",
  ],
  { c: "context", d: "destination", f: "dockerfile", v: "verbosity" },
);

const GLOBAL_SPECS: Record<"docker" | "podman" | "buildah", OptionSpec> = {
  docker: makeSpec(
    ["config", "context", "host", "log-level", "tlscacert", "tlscert", "tlskey"],
    ["debug", "tls", "tlsverify"],
    { c: "context", H: "host", l: "log-level", D: "debug" },
  ),
  podman: makeSpec(
    [
      "cdi-spec-dir", "cgroup-manager", "conmon", "connection", "db-backend", "events-backend", "hooks-dir", "identity",
      "imagestore", "log-level", "module", "network-cmd-path", "network-config-dir", "out", "root", "runroot", "runtime",
      "runtime-flag", "ssh", "storage-driver", "storage-opt", "tmpdir", "url", "volumepath",
    ],
    ["debug", "noout", "remote", "syslog", "transient-store"],
    { c: "connection", r: "remote" },
  ),
  buildah: makeSpec(
    [
      "cdi-config-dir", "cgroup-manager", "default-mounts-file", "log-level", "registries-conf", "registries-conf-dir",
      "root", "runroot", "short-name-alias-conf", "storage-driver", "storage-opt", "userns-gid-map", "userns-uid-map",
    ],
    ["debug"],
    {},
  ),
};

/** Transports of containers/image that are not a registry push (`podman push img oci:dir`). */
const LOCAL_TRANSPORTS = ["docker-daemon:", "oci:", "oci-archive:", "dir:", "docker-archive:", "containers-storage:", "sif:", "ostree:"];

/** The programs `recogniseContainerCommand` may find a build, push or tag in (compose and bake are only reported). */
const BUILDING_PROGRAMS = new Set(["docker", "podman", "buildah", "executor"]);

/** Whether a command whose program is `program` may build, push or tag an image. */
export function mayBeContainerTool(program: string): boolean {
  return BUILDING_PROGRAMS.has(program.slice(program.lastIndexOf("/") + 1));
}

/**
 * Recognise a container command from its expanded words (prefixes such as `sudo` already
 * removed). `words[0]` is the program.
 */
export function recogniseContainerCommand(words: ExpandedText[]): ContainerCommand | undefined {
  const program = knownValue(words[0]);
  if (program === undefined) return undefined;
  const base = program.slice(program.lastIndexOf("/") + 1);
  if (base === "docker-compose") return subcommandIs(words[1], ["build", "push"]) ? { kind: "not-analysed", what: "docker-compose" } : undefined;
  if (!mayBeContainerTool(program)) return undefined;
  if (base === "executor") return recogniseKaniko(words.slice(1));
  // Only narrows the type: the set holds nothing else.
  if (base !== "docker" && base !== "podman" && base !== "buildah") return undefined;

  const { subcommand, rest } = splitSubcommand(words.slice(1), GLOBAL_SPECS[base]);
  const tool: BuildTool = base;
  const sub = subcommand.join(" ");
  switch (sub) {
    case "build":
    case "image build":
    case "builder build":
    case "bud":
    case "build-using-dockerfile":
      if (sub === "bud" || sub === "build-using-dockerfile") return base === "buildah" ? buildCommand(tool, rest) : undefined;
      return buildCommand(tool, rest);
    case "buildx build":
    case "buildx b":
      // `podman buildx build` is an alias of `podman build`.
      return buildCommand(base === "docker" ? "buildx" : tool, rest);
    case "push":
    case "image push":
      return pushCommand(tool, rest);
    case "tag":
    case "image tag":
      return tagCommand(tool, rest);
    case "buildx bake":
    case "compose build":
    case "compose push":
      return { kind: "not-analysed", what: `${base} ${sub}` };
    default:
      return undefined;
  }
}

/** Skip global options; return up to two known subcommand words and the rest. */
function splitSubcommand(words: ExpandedText[], spec: OptionSpec): { subcommand: string[]; rest: ExpandedText[] } {
  let i = 0;
  while (i < words.length) {
    const text = knownValue(words[i]);
    if (text === undefined || !text.startsWith("-") || text === "-") break;
    const long = text.startsWith("--") ? text.slice(2).split("=")[0] : spec.short[text[1]] ?? "";
    const inline = text.includes("=") || (!text.startsWith("--") && text.length > 2);
    i += spec.valued.has(long) && !inline ? 2 : 1;
  }
  const first = words[i] ? knownValue(words[i]) : undefined;
  if (first === undefined) return { subcommand: [], rest: [] };
  if (first === "image" || first === "builder" || first === "buildx" || first === "compose") {
    // `docker buildx --builder x build`: buildx has its own options before the subcommand.
    let j = i + 1;
    while (j < words.length) {
      const t = knownValue(words[j]);
      if (t === undefined || !t.startsWith("-")) break;
      j += t === "--builder" ? 2 : 1;
    }
    const second = words[j] ? knownValue(words[j]) : undefined;
    return { subcommand: second === undefined ? [first] : [first, second], rest: words.slice(j + 1) };
  }
  return { subcommand: [first], rest: words.slice(i + 1) };
}

function subcommandIs(word: ExpandedText | undefined, names: string[]): boolean {
  const t = word ? knownValue(word) : undefined;
  return t !== undefined && names.includes(t);
}

function buildCommand(tool: BuildTool, argWords: ExpandedText[]): ContainerCommand {
  const args = parseArgs(argWords, BUILD_SPEC);
  const notes = unknownOptionNotes(args);
  const files = optionValues(args, "file");
  const context = buildContext(args, tool, notes);
  const outputs = optionValues(args, "output").map(readOutput);
  const tags = [...optionValues(args, "tag"), ...outputs.flatMap((o) => o.names)];

  let push: boolean | "unknown" = flagOn(args, "push");
  // `--output type=registry` (or type=image,push=true) pushes, in buildx and in Docker's
  // default builder (BuildKit); podman and buildah have no pushing output.
  for (const out of outputs) {
    if (out.push === "unknown" && push === false) push = "unknown";
    if (out.push === true) push = true;
  }
  if (tool === "podman" || tool === "buildah") push = false;

  let recipe: RecipeLocation;
  const contextFallback = tool === "podman" || tool === "buildah";
  if (files.length > 0) {
    const first = files[0];
    if (knownValue(first) === "-") recipe = { kind: "none", why: "the recipe is read from standard input" };
    else if (/^https?:\/\//.test(knownValue(first) ?? "")) recipe = { kind: "none", why: "the recipe is downloaded from a URL" };
    else recipe = { kind: "file", path: first, contextFallback };
    if (files.length > 1) notes.push(`${files.length} recipe files are given; the first one is shown`);
  } else if (context.kind !== "dir") {
    recipe = { kind: "none", why: "the build context is not a local directory" };
  } else {
    // docker looks for `Dockerfile`; podman and buildah for `Containerfile`, then `Dockerfile`.
    recipe = { kind: "default", names: contextFallback ? ["Containerfile", "Dockerfile"] : ["Dockerfile"] };
  }
  return { kind: "build", tool, tags, recipe, context, push, notes };
}

/**
 * The build context: the one positional argument. podman and buildah default to the
 * working directory; docker requires it. When an option we do not know might have taken
 * a word as its value, the context is still known if exactly one candidate remains.
 */
function buildContext(args: ParsedArgs, tool: BuildTool, notes: string[]): Extract<ContainerCommand, { kind: "build" }>["context"] {
  const candidates = args.positionals;
  let chosen: ExpandedText | undefined;
  if (candidates.length === 1) chosen = candidates[0].value;
  else if (candidates.length > 1) {
    const sure = candidates.filter((c) => !c.afterUnknown);
    if (sure.length === 1) chosen = sure[0].value;
  } else if (tool === "podman" || tool === "buildah") chosen = { pieces: [], unknowns: [] };
  if (!chosen) {
    const why =
      candidates.length === 0
        ? "no build context argument"
        : `several words could be the build context (${candidates.map((c) => renderText(c.value)).join(", ")})`;
    notes.push(why);
    return { kind: "unknown", why };
  }
  const text = knownValue(chosen);
  if (text === "-") return { kind: "remote", text: chosen };
  if (text !== undefined && /^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(text)) return { kind: "remote", text: chosen };
  return { kind: "dir", path: chosen };
}

interface OutputSpec {
  push: boolean | "unknown";
  names: ExpandedText[];
}

/** `--output type=registry`, `type=image,name=x,push=true`, `type=docker`, or a path (local export). */
function readOutput(value: ExpandedText): OutputSpec {
  const atoms = toAtoms(value.pieces);
  const fields = splitCsv(atoms);
  const pairs = fields.map((f) => {
    const eq = f.indexOf("=");
    return eq < 0 ? { key: "", value: f } : { key: f.slice(0, eq).join(""), value: f.slice(eq + 1) };
  });
  if (!pairs.some((p) => p.key === "type")) {
    // A bare path or `-`: a local export, unless the text is unknown.
    return { push: atoms.some((a) => typeof a !== "string") ? "unknown" : false, names: [] };
  }
  const get = (key: string) => pairs.find((p) => p.key === key)?.value;
  const typeAtoms = get("type")!;
  const type = typeAtoms.every((a) => typeof a === "string") ? typeAtoms.join("") : undefined;
  const pushAtoms = get("push");
  const pushText = pushAtoms && pushAtoms.every((a) => typeof a === "string") ? pushAtoms.join("") : pushAtoms ? undefined : "false";
  let push: boolean | "unknown";
  if (type === undefined) push = "unknown";
  else if (type === "registry") push = true;
  else if (type === "image") push = pushText === undefined ? "unknown" : pushText === "true";
  else push = false;
  const nameAtoms = get("name");
  const names = nameAtoms ? splitAtComma(nameAtoms).map((n) => atomsToText(n, value)) : [];
  return { push, names };
}

/** Split `a=b,"c=d,e"` on commas outside double quotes, removing the quotes (buildx's CSV). */
function splitCsv(atoms: ReturnType<typeof toAtoms>): ReturnType<typeof toAtoms>[] {
  const out: ReturnType<typeof toAtoms>[] = [[]];
  let quoted = false;
  for (const a of atoms) {
    if (a === '"') quoted = !quoted;
    else if (a === "," && !quoted) out.push([]);
    else out[out.length - 1].push(a);
  }
  return out;
}

function splitAtComma(atoms: ReturnType<typeof toAtoms>): ReturnType<typeof toAtoms>[] {
  const out: ReturnType<typeof toAtoms>[] = [[]];
  for (const a of atoms) {
    if (a === ",") out.push([]);
    else out[out.length - 1].push(a);
  }
  return out.filter((n) => n.length > 0);
}

function pushCommand(tool: BuildTool, argWords: ExpandedText[]): ContainerCommand | undefined {
  const args = parseArgs(argWords, PUSH_SPEC);
  const [source, destination] = args.positionals.map((p) => p.value);
  if (!source) return undefined;
  const allTags = flagOn(args, "all-tags") === true;
  if (!destination || tool === "docker") return { kind: "push", tool, source: stripTransport(source), allTags };
  const destText = knownValue(destination) ?? "";
  if (LOCAL_TRANSPORTS.some((t) => destText.startsWith(t))) return undefined;
  return { kind: "push", tool, source: stripTransport(source), destination: stripTransport(destination), allTags };
}

function tagCommand(tool: BuildTool, argWords: ExpandedText[]): ContainerCommand | undefined {
  const [source, ...targets] = parseArgs(argWords, TAG_SPEC).positionals.map((p) => p.value);
  if (!source || targets.length === 0) return undefined;
  return { kind: "tag", tool, source, targets };
}

function recogniseKaniko(argWords: ExpandedText[]): ContainerCommand {
  const args = parseArgs(argWords, KANIKO_SPEC);
  const notes = unknownOptionNotes(args);
  const destinations = optionValues(args, "destination");
  const contextValues = optionValues(args, "context");
  // Kaniko's defaults: context `/workspace/`, dockerfile `Dockerfile`.
  const contextRaw = contextValues[contextValues.length - 1] ?? { pieces: [{ kind: "text" as const, text: "/workspace/" }], unknowns: [] };
  const context = kanikoContext(contextRaw);
  const dockerfiles = optionValues(args, "dockerfile");
  const dockerfile = dockerfiles[dockerfiles.length - 1] ?? { pieces: [{ kind: "text" as const, text: "Dockerfile" }], unknowns: [] };
  const recipe: RecipeLocation =
    context.kind === "dir" ? { kind: "file", path: dockerfile, contextFallback: true } : { kind: "none", why: "the build context is not a local directory" };
  return { kind: "build", tool: "kaniko", tags: destinations, recipe, context, push: !flagOn(args, "no-push"), notes };
}

/** Kaniko contexts: `dir://path` or a path are local; `git://`, `gs://`, `s3://`, `tar://` … are not. */
function kanikoContext(raw: ExpandedText): Extract<ContainerCommand, { kind: "build" }>["context"] {
  const atoms = toAtoms(raw.pieces);
  const prefix = atoms.slice(0, 6).every((a) => typeof a === "string") ? atoms.slice(0, 6).join("") : "";
  if (prefix === "dir://") return { kind: "dir", path: atomsToText(atoms.slice(6), raw) };
  const scheme = /^([a-z0-9]+):\/\//.exec(knownPrefix(atoms));
  if (scheme) return { kind: "remote", text: raw };
  return { kind: "dir", path: raw };
}

function knownPrefix(atoms: ReturnType<typeof toAtoms>): string {
  let s = "";
  for (const a of atoms) {
    if (typeof a !== "string") break;
    s += a;
  }
  return s;
}

function stripTransport(ref: ExpandedText): ExpandedText {
  const atoms = toAtoms(ref.pieces);
  if (knownPrefix(atoms).startsWith("docker://")) return atomsToText(atoms.slice("docker://".length), ref);
  return ref;
}

function unknownOptionNotes(args: ParsedArgs): string[] {
  return args.unknownOptions.length > 0 ? [`options not recognised (read as flags): ${args.unknownOptions.join(" ")}`] : [];
}

function renderText(t: ExpandedText): string {
  return t.pieces.map((p) => (p.kind === "text" ? p.text : `«${p.label}»`)).join("");
}
