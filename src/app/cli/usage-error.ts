/** Thrown by argument parsing; printed as a usage error (exit 2). */
export class UsageError extends Error {}
