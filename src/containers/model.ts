import type { Pos } from "../core/pos.js";
import type { ResolvedText } from "../gitlab-ci/pipeline.js";

/** One image build or push found in a job's script. */
export interface ImageBuild {
  /** The job that runs the command. */
  job: string;
  tool: "docker" | "podman" | "buildah" | "buildx" | "kaniko";
  /** Full image reference with tag (`registry/group/name:tag`), resolved as far as can be known. */
  image: ResolvedText;
  /** The recipe built from, resolved relative to the repository root, when the command builds. */
  dockerfile?: ResolvedText;
  /** Build context directory. */
  context?: ResolvedText;
  /** Whether this reference is pushed to a registry (a `push`, `--push`, or kaniko without `--no-push`). */
  push: boolean;
  /** The script line of the command. */
  pos: Pos;
}
