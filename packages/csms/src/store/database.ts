import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { StoreError } from './errors.js';
import { migrations as defaultMigrations } from './migrations.js';
import type { Migration } from './migrations.js';

export const storeFileName = 'csms.sqlite';

export interface OpenStoreOptions {
  /** the migrations to apply; the store's own by default (tests pass their own to test upgrades) */
  migrations?: readonly Migration[];
  /** open an in-memory database instead of `<dataDir>/csms.sqlite` */
  inMemory?: boolean;
}

/**
 * The CSMS's embedded database: one SQLite file, `<dataDir>/csms.sqlite`.
 *
 * Durability: journal_mode = WAL with synchronous = FULL, so every committed write transaction
 * is fsynced in the WAL before `run()` returns. A row the CSMS acknowledged (answered the CALL
 * for) after storing it survives a SIGKILL of the CSMS and a power cut of the machine.
 */
export class CsmsStore {
  readonly db: Database.Database;
  readonly path: string;
  private readonly statements = new Map<string, Statement>();

  private constructor(db: Database.Database, path: string) {
    this.db = db;
    this.path = path;
  }

  static open(dataDir: string, options: OpenStoreOptions = {}): CsmsStore {
    let path = ':memory:';
    if (!options.inMemory) {
      mkdirSync(dataDir, { recursive: true });
      path = join(dataDir, storeFileName);
    }
    const db = new Database(path);
    try {
      if (!options.inMemory) db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      applyMigrations(db, options.migrations ?? defaultMigrations);
    } catch (err) {
      db.close();
      throw err;
    }
    return new CsmsStore(db, path);
  }

  /** A prepared statement, prepared once per store and SQL text. */
  statement(sql: string): Statement {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  /** Runs `fn` in one write transaction (BEGIN IMMEDIATE): all of it is stored, or none. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** The schema version the database is at. */
  schemaVersion(): number {
    return currentVersion(this.db);
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating as needed) `<dataDir>/csms.sqlite`. */
export function openStore(dataDir: string, options?: OpenStoreOptions): CsmsStore {
  return CsmsStore.open(dataDir, options);
}

function currentVersion(db: Database.Database): number {
  const row = db.prepare('SELECT MAX(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

function applyMigrations(db: Database.Database, list: readonly Migration[]): void {
  for (let i = 1; i < list.length; i++) {
    if (list[i].version <= list[i - 1].version) throw new Error('migrations must have strictly ascending versions');
  }
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  ) STRICT`);
  const applied = db.prepare('SELECT version, name FROM schema_migrations ORDER BY version').all() as { version: number; name: string }[];
  const known = new Map(list.map((m) => [m.version, m]));
  const latest = list.length > 0 ? list[list.length - 1].version : 0;
  for (const a of applied) {
    if (a.version > latest) {
      throw new StoreError('SchemaTooNew', `database schema version ${a.version} (${a.name}) is newer than this v2xsim knows (${latest}); use a newer v2xsim or another data folder`);
    }
    const m = known.get(a.version);
    if (!m || m.name !== a.name) {
      throw new StoreError('SchemaMismatch', `database migration ${a.version} is "${a.name}", this v2xsim's is "${m?.name ?? '(none)'}"`);
    }
  }
  const done = new Set(applied.map((a) => a.version));
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of list) {
    if (done.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.sql);
      record.run(m.version, m.name, new Date().toISOString());
    }).immediate();
  }
}
