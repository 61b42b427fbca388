// Applies a SCALE overlay to a freshly loaded standard schema set (mutating it): the result is
// the variant's schema model, from which the generator builds a separate codec.
import { qnKey, type ElementDecl, type SchemaSet } from '../schema-model.js';
import type { SchemaOverlay } from './types.js';

export function applyOverlay(set: SchemaSet, overlay: SchemaOverlay): void {
  for (const edit of overlay.edits) {
    const where = `${overlay.id}: ${edit.complexType.name}`;
    const type = set.types.get(qnKey(edit.complexType));
    if (!type || type.kind !== 'complex') throw new Error(`${where}: no such complex type`);
    const seq = type.particle?.term;
    if (!seq || seq.kind !== 'sequence') throw new Error(`${where}: the type declares no sequence of its own`);
    let at = 0;
    if (edit.after !== null) {
      at = seq.particles.findIndex((p) => p.term.kind === 'element' && p.term.decl.qname.name === edit.after) + 1;
      if (at === 0) throw new Error(`${where}: no element ${edit.after} in its own sequence`);
    }
    const taken = new Set(seq.particles.flatMap((p) => (p.term.kind === 'element' ? [p.term.decl.qname.name] : [])));
    const added = edit.elements.map((e) => {
      if (taken.has(e.name)) throw new Error(`${where}: element ${e.name} exists already`);
      const decl: ElementDecl = { qname: { ns: edit.complexType.ns, name: e.name }, type: { ref: e.type }, abstract: false, nillable: false, global: false };
      set.allElements.push(decl);
      return { min: e.minOccurs, max: e.maxOccurs ?? 1, term: { kind: 'element' as const, decl } };
    });
    seq.particles.splice(at, 0, ...added);
  }
}
