// Property tests (fast-check) run with one fixed seed, so a run of the suite is reproducible and
// CI never turns red on a case nobody changed code for. FC_SEED=<n> picks another seed;
// FC_SEED=random draws one (printed) to hunt for new counterexamples, e.g.
//   FC_SEED=random pnpm vitest run test/scsp-optimiser.test.ts
import fc from 'fast-check';

const DEFAULT_SEED = 20261124;
const asked = process.env.FC_SEED;
const seed = asked === 'random' ? Math.floor(Math.random() * 2 ** 31) : asked ? Number(asked) : DEFAULT_SEED;
if (!Number.isInteger(seed)) throw new Error(`FC_SEED must be an integer or "random", not ${JSON.stringify(asked)}`);
if (asked === 'random') console.log(`fast-check seed ${seed} (FC_SEED=${seed} repeats this run)`);
fc.configureGlobal({ seed });
