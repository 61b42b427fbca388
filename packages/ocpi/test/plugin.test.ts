// The platform as a plugin inside an application's own fastify: its hooks, parsers and error
// handling stay in the OCPI scope; a handler that throws is 500 with 3000 and serving goes on.
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { authorizationHeader, InMemoryCredentialsStore, OcpiPlatform, tariffsSenderPlugin } from '../src/index.js';
import { cpoRole } from './support/parties.js';

describe('OcpiPlatform.plugin in a host application', () => {
  it('keeps to its scope; a throwing handler answers 500 + 3000', async () => {
    const store = new InMemoryCredentialsStore();
    store.save({ id: 'emsp', status: 'registered', incomingToken: 'token-c' });
    let fail = true;
    const platform = new OcpiPlatform({
      store,
      roles: [cpoRole],
      publicOrigin: 'http://cpo.example',
      modules: [
        tariffsSenderPlugin({
          list: () => {
            if (fail) throw new Error('database down');
            return { items: [], total: 0 };
          },
        }),
      ],
    });
    const app = Fastify();
    app.post('/control', async (req) => ({ got: req.body }));
    await app.register(platform.plugin);

    const auth = { authorization: authorizationHeader('token-c') };
    const broken = await app.inject({ method: 'GET', url: '/ocpi/2.2.1/tariffs', headers: auth });
    expect(broken.statusCode).toBe(500);
    expect(broken.json()).toMatchObject({ status_code: 3000, status_message: expect.stringMatching(/database down/) });
    fail = false;
    const ok = await app.inject({ method: 'GET', url: '/ocpi/2.2.1/tariffs', headers: auth });
    expect(ok.statusCode).toBe(200);
    expect(ok.headers['x-total-count']).toBe('0');
    expect(ok.json().data).toEqual([]);
    // the version details name the public origin
    const details = await app.inject({ method: 'GET', url: '/ocpi/2.2.1', headers: auth });
    expect(details.json().data.endpoints).toContainEqual({ identifier: 'tariffs', role: 'SENDER', url: 'http://cpo.example/ocpi/2.2.1/tariffs' });

    // outside /ocpi: no OCPI auth, fastify's own JSON parser, plain errors
    const control = await app.inject({ method: 'POST', url: '/control', payload: { a: 1 } });
    expect(control.json()).toEqual({ got: { a: 1 } });
    expect((await app.inject({ method: 'GET', url: '/elsewhere' })).json()).not.toHaveProperty('status_code');
    await app.close();
    await platform.close();
  });
});
