/** Thrown by argument parsing; printed as a usage error (exit 2). */
export class UsageError extends Error {}

/**
 * An option the command does not take (`--formt`): said in one line with the option probably
 * meant, not followed by the whole usage text.
 */
export class UnknownOptionError extends UsageError {}
