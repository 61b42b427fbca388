#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `pnpm install` (root `prepare` runs `tsc -b`).
import { main } from '../dist/main.js';

main(process.argv).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`v2xsim: ${err instanceof Error ? err.message : String(err)}`); process.exitCode = 2; },
);
