// Vitest configuration: unit tests run in parallel; integration tests that start real clusters
// are long and must not fight over the two cores, so they get generous timeouts.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["**/*.test.ts"],
    exclude: ["node_modules/**", "runs/**"],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    pool: "forks",
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
});
