import { defineConfig } from 'vitest/config';

// Tests run the TypeScript sources of the workspace packages (the `v2xsim-source` export
// condition), never a stale dist/: the condition applies to client and server (Node) resolution.
const conditions = ['v2xsim-source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    // two files at a time (vitest's default is one fewer than the cores: one on the 2-core
    // reference machine); most of the long files wait on real processes, so 2 cores carry two
    // (the whole suite ~7 min instead of ~9.5)
    maxWorkers: 2,
  },
});
