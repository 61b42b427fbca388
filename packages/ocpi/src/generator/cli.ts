// `pnpm gen`: regenerates packages/ocpi/src/generated from ../shared/schemas/ocpi/2.2.1/openapi.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultOpenApiDir, generateAll } from './generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkg = resolve(here, '../..');
const openapiDir = process.argv[2] ?? defaultOpenApiDir(resolve(pkg, '../..'));
const outDir = join(pkg, 'src/generated');
const files = generateAll(openapiDir);
mkdirSync(outDir, { recursive: true });
for (const f of readdirSync(outDir)) if (!files.has(f)) rmSync(join(outDir, f));
for (const [name, text] of files) writeFileSync(join(outDir, name), text);
console.log(`generated ${files.size} files in ${outDir} from ${openapiDir}`);
