export { findRevision, GitSource, resolveRevision } from "./git-source.js";
export { git, gitAnswer, GitError, UnknownRevisionError } from "./git-command.js";
export { GitBlobReader } from "./git-blob-reader.js";
export { DirSource } from "./dir-source.js";
