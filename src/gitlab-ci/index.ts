export { loadConfig, DEFAULT_CI_PATH, RESERVED_TOP_LEVEL_KEYS } from "./load/load-config.js";
export { DEFAULT_LOAD_LIMITS } from "./load/limits.js";
export { ParseCache, type FileIdentity } from "./load/parse-cache.js";
export { parseYaml, type ParsedYaml, type YamlLimits } from "./yaml/parse-yaml.js";
export type { YNode, YMap, YSeq, YScalar, YReference, YEntry } from "./yaml/node.js";
export * from "./simulate/index.js";
