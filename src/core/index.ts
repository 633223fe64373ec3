export * from "./pos.js";
export * from "./diagnostic.js";
export * from "./file-source.js";
export * from "./memory-source.js";
