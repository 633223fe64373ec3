export { GitSource, resolveRevision } from "./git-source.js";
export { DirSource } from "./dir-source.js";
