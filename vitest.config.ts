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
  },
});
