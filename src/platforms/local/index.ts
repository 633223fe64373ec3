export { GitSource, resolveRevision } from "./git-source.js";
export { GitBlobReader } from "./git-blob-reader.js";
export { DirSource } from "./dir-source.js";
