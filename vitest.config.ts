import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The end-to-end tests start real server processes; give them room on a 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // A test that checks nothing passes whatever the code does.
    expect: { requireAssertions: true },
  },
});
