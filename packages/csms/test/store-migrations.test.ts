import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { latestSchemaVersion, migrations, openStore, StoreError, storeFileName } from '../src/store/index.js';
import type { Migration } from '../src/store/index.js';

const dirs: string[] = [];
function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'v2xsim-csms-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('store migrations', () => {
  it('creates <dataDir>/csms.sqlite from nothing, at the latest version, in WAL mode with synchronous = FULL', () => {
    const dir = join(dataDir(), 'nested', 'data');
    const store = openStore(dir);
    expect(store.path).toBe(join(dir, storeFileName));
    expect(store.schemaVersion()).toBe(latestSchemaVersion);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    const tables = (store.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(
      expect.arrayContaining(['schema_migrations', 'stations', 'connector_status', 'id_tokens', 'transactions', 'transaction_events', 'meter_values', 'charging_needs', 'charging_profiles', 'composite_schedules']),
    );
    store.close();
  });

  it('re-opens an existing database without applying anything twice and keeps its data', () => {
    const dir = dataDir();
    const a = openStore(dir);
    a.db.prepare(`INSERT INTO stations (id, created_at) VALUES ('CS1', '2025-01-01T00:00:00.000Z')`).run();
    a.close();
    const b = openStore(dir);
    expect(b.schemaVersion()).toBe(latestSchemaVersion);
    expect((b.db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(migrations.length);
    expect(b.db.prepare('SELECT id FROM stations').all()).toEqual([{ id: 'CS1' }]);
    b.close();
  });

  it('applies a later migration to a database made by an older version, in order', () => {
    const dir = dataDir();
    openStore(dir).close();
    const next: Migration[] = [...migrations, { version: latestSchemaVersion + 1, name: 'add note', sql: 'ALTER TABLE stations ADD COLUMN note TEXT' }];
    const s = openStore(dir, { migrations: next });
    expect(s.schemaVersion()).toBe(latestSchemaVersion + 1);
    s.db.prepare(`INSERT INTO stations (id, created_at, note) VALUES ('CS2', '2025-01-01T00:00:00.000Z', 'hi')`).run();
    s.close();
  });

  it('rolls a failing migration back completely and leaves the version where it was', () => {
    const dir = dataDir();
    openStore(dir).close();
    const broken: Migration[] = [
      ...migrations,
      { version: latestSchemaVersion + 1, name: 'half broken', sql: 'CREATE TABLE extra (x INTEGER); INSERT INTO nowhere VALUES (1);' },
    ];
    expect(() => openStore(dir, { migrations: broken })).toThrow(/nowhere/);
    const s = openStore(dir);
    expect(s.schemaVersion()).toBe(latestSchemaVersion);
    expect(s.db.prepare(`SELECT name FROM sqlite_master WHERE name = 'extra'`).get()).toBeUndefined();
    s.close();
  });

  it('refuses to open a database written by a newer v2xsim', () => {
    const dir = dataDir();
    openStore(dir).close();
    const raw = new Database(join(dir, storeFileName));
    raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(latestSchemaVersion + 5, 'from the future', new Date().toISOString());
    raw.close();
    let error: unknown;
    try {
      openStore(dir);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('SchemaTooNew');
  });

  it('refuses a database whose applied migration differs from this code’s', () => {
    const dir = dataDir();
    openStore(dir).close();
    const other: Migration[] = migrations.map((m) => (m.version === 1 ? { ...m, name: 'something else' } : m));
    expect(() => openStore(dir, { migrations: other })).toThrow(expect.objectContaining({ code: 'SchemaMismatch' }));
  });
});
