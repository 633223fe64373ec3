import type { ChosenRef, VerifiedRef } from "../verify/verify-report.js";
import { describeFailure } from "./describe-failure.js";

/**
 * The refs of `ci-explain verify` one after the other, the same on both platforms: a line of
 * progress for each, and every comparison of a ref attempted on its own — what fails (a Lint
 * dry run this token may not run, a pipeline's variables) is a note on that ref, and the rest
 * goes on.
 */
export async function verifyEachRef(
  chosen: readonly ChosenRef[],
  shaOf: (ref: ChosenRef) => string | undefined,
  progress: ((line: string) => void) | undefined,
  compare: (ref: ChosenRef, sha: string, attempt: Attempt, verified: VerifiedRef) => Promise<void>,
): Promise<VerifiedRef[]> {
  const refs: VerifiedRef[] = [];
  for (const ref of chosen) {
    progress?.(`verifying ${ref.kind === "tag" ? `tag ${ref.name}` : ref.name}`);
    const sha = shaOf(ref);
    const verified: VerifiedRef = { name: ref.name, kind: ref.kind, ...(sha ? { sha } : {}), why: ref.why, checks: [], notes: [] };
    refs.push(verified);
    if (!sha) {
      verified.notes.push("its commit could not be read");
      continue;
    }
    const attempt: Attempt = async (what, work) => {
      try {
        await work();
      } catch (err) {
        verified.notes.push(`${what}: ${describeFailure(err)}`);
      }
    };
    await compare(ref, sha, attempt, verified);
  }
  return refs;
}

/** Run one comparison of a ref; a failure becomes a note on it. */
export type Attempt = (what: string, work: () => Promise<void>) => Promise<void>;
