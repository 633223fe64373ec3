export {
  COMMAND_LIMITS,
  COMMAND_NAME,
  COMMAND_USAGE,
  isExplainCommand,
  parseCommand,
  type ExplainCommand,
  type ParsedCommand,
} from "./parse-command.js";
export { DEFAULT_COMMAND_RATE_LIMIT, SlidingWindowLimiter, type CommandRateLimiter, type RateLimitOptions } from "./rate-limit.js";
export { applyCommand } from "./apply-command.js";
export { isAskedContext } from "./asked-contexts.js";
