// Writes scenario.schema.json from src/schema.ts: `pnpm --filter @v2xsim/scenario run gen`.
import { writeFileSync } from 'node:fs';
import { scenarioSchemaJson } from '../src/schema.js';

writeFileSync(new URL('../scenario.schema.json', import.meta.url), scenarioSchemaJson());
