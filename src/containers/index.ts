export type { ImageBuild } from "./model.js";
export { findImageBuilds, scanJobScript, scriptMayBuild, type FindImageBuildsInput, type ScriptScan } from "./find-image-builds.js";
export type { VariableResolver } from "./shell-state.js";
export { parseImageRef, normalizeImageRef, sameImage, withImplicitLatest, type ImageRefParts } from "./image-ref.js";
export {
  DEFAULT_RECIPE_GLOBS,
  recipeMatcher,
  linkRecipes,
  recipeMatch,
  type RecipeLink,
  type RecipeBuildLink,
} from "./recipes.js";
