import { configDefaults, defineConfig } from 'vitest/config';

// Tests run the TypeScript sources of the workspace packages (the `v2xsim-source` export
// condition), never a stale dist/: the condition applies to client and server (Node) resolution.
const conditions = ['v2xsim-source'];

// Files that run whole topologies (the demo, the browser, compose in network namespaces, every
// scenario, the gap matrix) at high sim speed: ISO 15118's real-time timers (250 ms) need the
// cores to themselves, so they run one at a time, after the rest. The rest runs two files at a
// time (vitest's default is one fewer than the cores: one on the 2-core reference machine): the
// whole suite ~8.8 min instead of ~10.4 on that machine.
const TOPOLOGIES = ['test/demo-once.test.ts', 'test/dashboard-browser.test.ts', 'test/compose-topology.test.ts', 'test/gaps-run.test.ts', 'test/scenario-all.test.ts', 'test/scenario-faults.test.ts'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: conditions } },
  test: {
    setupFiles: ['test/setup/fast-check.ts'],
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'files', include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...TOPOLOGIES], maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'topologies', include: TOPOLOGIES, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
