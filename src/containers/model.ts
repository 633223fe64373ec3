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
  /**
   * "uncertain" when the build may or may not happen (a condition that cannot be decided
   * statically, e.g. a metadata-action `enable=` reading an event field). Absent: certain.
   */
  certainty?: "certain" | "uncertain";
  /** The later script line that pushes this reference (`docker push "$TAG"`), when that is not `pos`. */
  pushedAt?: Pos;
  /** When the reference is a copy of another (`docker tag SRC DST`, `podman push SRC DST`): SRC. */
  taggedFrom?: ResolvedText;
  /**
   * The reference as the CI file writes it, when that is not the script line at `pos` (a step's
   * `tags:` input): what the report quotes as where a reference came from.
   */
  written?: string;
  /** Why parts of this build are uncertain or left out, in words (shown next to it). */
  notes?: string[];
}
