// `pnpm gen`: regenerates packages/ocpp/src/generated from ../shared/schemas.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateAll } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '../..');
const schemaDir = process.argv[2] ?? resolve(pkg, '../../../shared/schemas');
const outDir = join(pkg, 'src/generated');
const files = generateAll(schemaDir);
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (!files.has(f)) rmSync(join(outDir, f));
for (const [name, text] of files) writeFileSync(join(outDir, name), text);
console.log(`generated ${files.size} files in ${outDir} from ${schemaDir}`);
