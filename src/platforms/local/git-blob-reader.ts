import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { GitError } from "./git-command.js";

/** What `git cat-file --batch` answers for a name it knows. */
interface GitObject {
  oid: string;
  type: string;
  text: string;
}

interface Pending {
  resolve: (found: GitObject | undefined) => void;
  reject: (err: Error) => void;
}

/**
 * Reads blobs through one long-lived `git cat-file --batch` process instead of one
 * `git` process per file: a QEMU-sized analysis reads ~130 blobs, and process start-up
 * was most of its run time. The process is unref'd while idle, so it never keeps the CLI
 * alive, and it ends with the parent.
 */
export class GitBlobReader {
  private child?: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failed?: Error;
  /**
   * Blobs already read, by id: a blob's content never changes, and the head of a change shares
   * most CI files with its base (each would otherwise be asked of git, and decoded, twice).
   */
  private readonly texts = new Map<string, Promise<string>>();
  private remembered = 0;

  constructor(private readonly repo: string) {}

  /** The text of a blob the repository lists; a GitError when git cannot give it (a corrupt or incomplete repository). */
  read(sha: string): Promise<string> {
    const known = this.texts.get(sha);
    if (known) return known;
    const text = this.ask(sha).then((found) => {
      if (!found) throw new GitError(BATCH, `${sha} missing`);
      return found.text;
    });
    if (this.remembered < MAX_REMEMBERED_CHARS) {
      this.texts.set(sha, text);
      // A failure is not remembered: the next read asks again (and reports the failure again).
      text.then(
        (t) => (this.remembered += t.length),
        () => this.texts.delete(sha),
      );
    }
    return text;
  }

  /**
   * The commit `rev` names, as `git rev-parse --verify REV^{commit}` resolves it (the same name
   * lookup), asked of this process instead of a new one; undefined when it names no commit.
   * Undefined too for a name the line protocol cannot carry (see `canAsk`).
   */
  async commit(rev: string): Promise<string | undefined> {
    const found = await this.ask(`${rev}^{commit}`);
    return found?.type === "commit" ? found.oid : undefined;
  }

  /** Whether `name` fits on one line of the batch protocol as it is (no white space, not an option). */
  static canAsk(name: string): boolean {
    return /^[^\s-]\S*$/.test(name);
  }

  private ask(name: string): Promise<GitObject | undefined> {
    if (this.failed) return Promise.reject(this.failed);
    if (!GitBlobReader.canAsk(name)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      const child = this.process();
      this.queue.push({ resolve, reject });
      this.setActive(true);
      // Questions asked in one tick (a prefetch, two revisions) go to git in one write.
      if (child.stdin.writableCorked === 0) {
        child.stdin.cork();
        process.nextTick(() => child.stdin.uncork());
      }
      child.stdin.write(`${name}\n`);
    });
  }

  /** Ends the git process (optional: it is unref'd and dies with the parent anyway). */
  close(): void {
    this.child?.stdin.end();
    this.child = undefined;
  }

  private process(): ChildProcessWithoutNullStreams {
    if (this.child) return this.child;
    const child = spawn("git", ["-C", this.repo, ...BATCH], { stdio: ["pipe", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
    child.stdout.on("data", (chunk: Buffer) => {
      this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
      this.drain();
    });
    const fail = (err: Error) => {
      this.failed = err;
      for (const p of this.queue.splice(0)) p.reject(err);
      this.child = undefined;
    };
    child.on("error", fail);
    // A git that exits with questions written but unread makes the next write fail (EPIPE):
    // those questions fail with it, instead of the error escaping as an uncaught exception.
    child.stdin.on("error", fail);
    child.on("exit", (code) => {
      if (this.queue.length) fail(new GitError(BATCH, stderr, code ?? undefined));
      this.child = undefined;
    });
    this.child = child;
    return child;
  }

  /** Parse as many complete answers as the buffer holds: `<oid> <type> <size>\n<bytes>\n` or `<name> missing\n`. */
  private drain(): void {
    for (;;) {
      const head = this.queue[0];
      if (!head) break;
      const eol = this.buffer.indexOf(10);
      if (eol < 0) return;
      const header = this.buffer.subarray(0, eol).toString("utf8");
      const parts = header.split(" ");
      if (parts[1] === "missing" || parts.length < 3) {
        this.buffer = this.buffer.subarray(eol + 1);
        this.queue.shift();
        head.resolve(undefined);
        continue;
      }
      const size = Number(parts[2]);
      if (this.buffer.length < eol + 1 + size + 1) return;
      const text = this.buffer.subarray(eol + 1, eol + 1 + size).toString("utf8");
      this.buffer = this.buffer.subarray(eol + 1 + size + 1);
      this.queue.shift();
      head.resolve({ oid: parts[0], type: parts[1], text });
    }
    this.setActive(false);
  }

  /** Keep the event loop alive only while an answer is awaited. */
  private setActive(active: boolean): void {
    const child = this.child;
    if (!child) return;
    if (active) {
      child.ref();
      setRef(child.stdout, true);
    } else if (this.queue.length === 0) {
      child.unref();
      for (const stream of [child.stdout, child.stdin, child.stderr]) setRef(stream, false);
    }
  }
}

const BATCH = ["cat-file", "--batch"];

/** CI files are small; a reader that has kept this many characters reads the rest afresh. */
const MAX_REMEMBERED_CHARS = 32 * 1024 * 1024;

/** Child-process pipes are sockets at run time; their types do not say so. */
function setRef(stream: object, on: boolean): void {
  const socket = stream as { ref?: () => void; unref?: () => void };
  if (on) socket.ref?.();
  else socket.unref?.();
}
