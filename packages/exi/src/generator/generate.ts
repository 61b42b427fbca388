// The generator: XSDs (+ SCALE overlays) → grammar tables → generated TypeScript modules.
import { CODECS } from './codecs.js';
import { emitCodecModule, GENERATED_HEADER, pascal } from './emit.js';
import { GrammarBuilder } from './grammar-builder.js';
import { applyOverlay } from './overlays/apply.js';
import { scaleOverlays } from './overlays/scale.js';
import { loadSchemaSet } from './xsd-loader.js';

export interface GeneratedCodec {
  id: string;
  description: string;
  protocolNamespace?: string;
  base?: string;
}

/** Returns file name (relative to src/generated) → content. */
export function generateAll(schemaDir: string): Map<string, string> {
  const files = new Map<string, string>();
  const catalog: GeneratedCodec[] = [];
  const build = (id: string, roots: string[], overlayId?: string): string[] => {
    const set = loadSchemaSet(schemaDir, roots);
    const overlay = overlayId ? scaleOverlays.find((o) => o.id === overlayId) : undefined;
    if (overlay) applyOverlay(set, overlay);
    const tables = new GrammarBuilder(set).build({ id });
    files.set(`${id}.ts`, emitCodecModule(tables, set.files, overlay ? `with the SCALE overlay ${overlay.id}` : undefined));
    return set.files;
  };
  for (const c of CODECS) {
    build(c.id, c.roots);
    catalog.push({ id: c.id, description: c.description, ...(c.protocolNamespace ? { protocolNamespace: c.protocolNamespace } : {}) });
  }
  for (const o of scaleOverlays) {
    const base = CODECS.find((c) => c.id === o.base);
    if (!base) throw new Error(`overlay ${o.id}: unknown base ${o.base}`);
    build(o.id, base.roots, o.id);
    catalog.push({ id: o.id, description: `${base.description} with the SCALE D2.3 extensions`, protocolNamespace: o.protocolNamespace, base: o.base });
  }
  const lines = [GENERATED_HEADER('the codec list in packages/exi/src/generator'), `import type { CodecTables } from '../runtime/grammar.js';`];
  for (const c of catalog) lines.push(`import { ${camel(c.id)}Tables } from './${c.id}.js';`);
  lines.push('', 'export interface CatalogEntry {', '  id: string;', '  description: string;', '  protocolNamespace?: string;', '  base?: string;', '  tables: CodecTables;', '}', '');
  lines.push('/** The document type of each codec, for typed `getCodec(id)`. */');
  lines.push('export interface CodecDocuments {');
  for (const c of catalog) lines.push(`  ${JSON.stringify(c.id)}: import('./${c.id}.js').${pascal(c.id)}Document;`);
  lines.push('}', '');
  lines.push('export const catalog: readonly CatalogEntry[] = [');
  for (const c of catalog) lines.push(`  { ...${JSON.stringify(c)}, tables: ${camel(c.id)}Tables },`);
  lines.push('];', '');
  files.set('catalog.ts', lines.join('\n'));
  return files;
}

const camel = (id: string): string => {
  const p = pascal(id);
  return p[0]!.toLowerCase() + p.slice(1);
};
