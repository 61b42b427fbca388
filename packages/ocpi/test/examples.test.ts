// The official 2.2.1 examples (ocpi/ocpi examples/*.json) against the generated schemas: each
// validates as the object it shows, and survives serialisation through the generated schema
// (fastify's fast-json-stringify, as the route responses use it) unchanged.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OCPI_SCHEMA_ID, ocpiSchemas, validateOcpiObject, type OcpiSchemaName } from '../src/index.js';
import { examplesDir, haveSharedSchemas } from './support/parties.js';

/** file → what it shows: an object, a list of objects, one field of a wrapper, or the data of a response envelope */
type Shape = { object: OcpiSchemaName; list?: true; field?: string; envelope?: true };
const o = (object: OcpiSchemaName, extra: Omit<Shape, 'object'> = {}): Shape => ({ object, ...extra });

const SHAPES: Record<string, Shape> = {
  'cdr_example.json': o('CDR'),
  'credentials_example.json': o('Credentials'),
  'credentials_example2.json': o('Credentials'),
  'credentials_example3.json': o('Credentials'),
  'credentials_example4.json': o('Credentials'),
  'location_energymix_example_complete.json': o('EnergyMix', { field: 'energy_mix' }),
  'location_energymix_example_energy_provider.json': o('EnergyMix', { field: 'energy_mix' }),
  'location_energymix_example_simple.json': o('EnergyMix', { field: 'energy_mix' }),
  'location_example.json': o('Location'),
  'location_example_parking_garage_opening_hours.json': o('Location'),
  'location_example_uc2_destination_charger.json': o('Location'),
  'location_example_uc3_destination_charger_not_published.json': o('Location'),
  'location_example_uc4_limited_visibility.json': o('Location'),
  'location_example_uc5_home_charge_point.json': o('Location'),
  'location_hours_247_open_exception_closing.json': o('Hours'),
  'location_hours_opening_hours_with_exceptional_closing.json': o('Hours'),
  'location_hours_opening_hours_with_exceptional_opening.json': o('Hours'),
  'location_patch_example_location.json': o('LocationPatch'),
  'location_patch_example_remove_evse.json': o('EVSEPatch'),
  'location_patch_example_status.json': o('EVSEPatch'),
  'location_patch_example_tariff.json': o('ConnectorPatch'),
  'location_put_example_add_evse.json': o('EVSE'),
  'location_regularhours_example.json': o('Hours', { field: 'opening_times' }),
  'session_example_1_simple_start.json': o('Session'),
  'session_example_2_short_finished.json': o('Session'),
  'session_patch_example_charging_period.json': o('SessionPatch'),
  'session_patch_example_total_cost.json': o('SessionPatch'),
  'token_example_1_app_user.json': o('Token'),
  'token_example_2_full_rfid.json': o('Token'),
  'token_patch_example.json': o('TokenPatch'),
  'token_put_example.json': o('Token'),
  'transport_and_format_get_token_example.json': o('Token', { envelope: true }),
  'transport_and_format_get_token_list_example.json': o('Token', { envelope: true, list: true }),
  'transport_and_format_version_details_example.json': o('VersionDetails', { envelope: true }),
  'transport_and_format_version_info_example.json': o('Version', { envelope: true, list: true }),
  'type_displaytext_example.json': o('DisplayText'),
  'version_details_example.json': o('VersionDetails'),
  'version_details_example2.json': o('VersionDetails'),
  'versions_info_example.json': o('Version', { list: true }),
};
const isTariff = (f: string): boolean => /^tariff/.test(f);

/**
 * Examples in the spec text that break the spec's own object definitions: each must be refused,
 * for the reason given (so a schema change that starts accepting them fails here).
 */
const KNOWN_INVALID: Record<string, RegExp> = {
  // the Connector lacks power_type, max_voltage, max_amperage and last_updated (all required)
  'location_put_example_add_evse.json': /\/connectors\/0 must have required property 'power_type'/,
  // Tariff.last_updated is required
  'tariff_put_example.json': /must have required property 'last_updated'/,
};

describe.runIf(haveSharedSchemas)('official OCPI 2.2.1 examples', () => {
  const files = haveSharedSchemas ? readdirSync(examplesDir).filter((f) => f.endsWith('.json')).sort() : [];
  const app = Fastify();

  beforeAll(async () => {
    app.addSchema(ocpiSchemas);
    // one route per object that serialises its body through the generated schema
    app.post('/:name/:list', async (req, reply) => reply.send(req.body));
    for (const name of Object.keys(ocpiSchemas.definitions)) {
      for (const list of [false, true]) {
        const ref = { $ref: `${OCPI_SCHEMA_ID}#/definitions/${name}` };
        app.post(`/${name}/${list ? 'list' : 'one'}`, { schema: { response: { 200: list ? { type: 'array', items: ref } : ref } } }, async (req) => req.body);
      }
    }
    await app.ready();
  });
  afterAll(async () => app.close());

  it('every example file is mapped to the object it shows', () => {
    expect(files.length).toBeGreaterThanOrEqual(59);
    expect(files.filter((f) => !SHAPES[f] && !isTariff(f))).toEqual([]);
  });

  it('each validates against the generated schema of its object and round-trips unchanged', async () => {
    const failures: string[] = [];
    for (const f of files) {
      const shape = SHAPES[f] ?? o('Tariff');
      const text = readFileSync(join(examplesDir, f), 'utf8');
      const parsed = JSON.parse(text) as Record<string, unknown>;
      if (shape.envelope) {
        expect(parsed, f).toMatchObject({ status_code: 1000, timestamp: expect.any(String) });
      }
      let value: unknown = shape.envelope ? parsed.data : shape.field ? parsed[shape.field] : parsed;
      const items = shape.list ? (value as unknown[]) : [value];
      if (KNOWN_INVALID[f]) {
        expect(validateOcpiObject(shape.object, value), f).toMatchObject({ valid: false, message: expect.stringMatching(KNOWN_INVALID[f]) });
        continue;
      }
      for (const item of items) {
        const v = validateOcpiObject(shape.object, item);
        if (!v.valid) failures.push(`${f} as ${shape.object}: ${v.message}`);
      }
      // JSON.parse → serialise with the generated schema → the same data
      const res = await app.inject({ method: 'POST', url: `/${shape.object}/${shape.list ? 'list' : 'one'}`, payload: value as object });
      expect(res.statusCode, f).toBe(200);
      value = JSON.parse(res.body);
      expect(value, f).toEqual(shape.envelope ? parsed.data : shape.field ? parsed[shape.field] : parsed);
    }
    expect(failures).toEqual([]);
  });

  it('a broken example is refused with a message that names the field', () => {
    const session = JSON.parse(readFileSync(join(examplesDir, 'session_example_1_simple_start.json'), 'utf8')) as Record<string, unknown>;
    delete session.cdr_token;
    expect(validateOcpiObject('Session', session)).toMatchObject({ valid: false, message: expect.stringMatching(/cdr_token/) });
    expect(validateOcpiObject('Session', { ...JSON.parse(readFileSync(join(examplesDir, 'session_example_1_simple_start.json'), 'utf8')), kwh: '0' }).valid).toBe(false);
  });
});
