// Success envelopes of frozen data, as bytes. Data a handler returns frozen (Object.freeze, e.g. a
// page of a frozen list, pagination.ts) is taken never to change, nested objects included: it is
// serialised once per route and data object (a WeakMap: gone with the data), and the whole
// envelope made once per second (its timestamp has seconds precision, datetime.ts): every other
// request for the same data is answered with the same Buffer, so no serialising, no UTF-8
// encoding and no length counting per request. The bytes are those the route's response schema
// gives (envelopeText).
import { envelopeText, type OcpiResponse } from './envelope.js';

interface Entry {
  json: string;
  timestamp: string;
  payload: Buffer;
}

export class FrozenEnvelopes {
  private readonly entries = new WeakMap<object, Entry>();

  /** Whether `data` can be answered from here: frozen, and the envelope carries no status message. */
  static applies(data: unknown, envelope: OcpiResponse): data is object {
    return typeof data === 'object' && data !== null && Object.isFrozen(data) && envelope.status_message === undefined;
  }

  /** The envelope (whose data is `data`) as bytes; `serialize` (the schema's serialiser of `data`) runs once per data object. */
  payload(data: object, envelope: OcpiResponse, serialize: (d: unknown) => string): Buffer {
    let e = this.entries.get(data);
    if (!e) {
      e = { json: serialize(data), timestamp: '', payload: Buffer.alloc(0) };
      this.entries.set(data, e);
    }
    if (e.timestamp !== envelope.timestamp) {
      e.payload = Buffer.from(envelopeText(envelope, e.json), 'utf8');
      e.timestamp = envelope.timestamp;
    }
    return e.payload;
  }
}
