import { readFileSync, readdirSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** `0001_init.sql`: a 4-digit version, an underscore, a name. */
const MIGRATION_FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export interface MigrationFile {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

/** The migrations shipped next to this module. Resolved from the module URL so it works from src/ and dist/. */
export const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);

/** Reads the numbered .sql files of `dir`, in version order. Two files with one version is a packaging bug. */
export function readMigrations(dir: URL): MigrationFile[] {
  const files: MigrationFile[] = [];
  for (const entry of readdirSync(dir)) {
    const match = MIGRATION_FILE.exec(entry);
    if (match === null) continue;
    const [, version, name] = match;
    if (version === undefined || name === undefined) continue;
    files.push({ version: Number(version), name, sql: readFileSync(new URL(entry, dir), 'utf8') });
  }
  files.sort((a, b) => a.version - b.version);
  for (let i = 1; i < files.length; i++) {
    if (files[i]?.version === files[i - 1]?.version) {
      throw new Error(`two migrations share version ${files[i]?.version} in ${dir.pathname}`);
    }
  }
  return files;
}

/**
 * Brings the schema up to date: every migration not yet recorded in `schema_migrations` runs, in
 * version order, inside one BEGIN IMMEDIATE transaction (so two processes opening the same file
 * cannot both apply one, and a failing migration leaves the schema as it was). Reopening an
 * up-to-date file applies nothing. A file that records a version this build does not ship was
 * written by a newer Attune: refusing it beats running old code on a schema it does not know.
 * Returns the versions applied now.
 */
export function migrate(db: Database.Database, migrations: readonly MigrationFile[]): number[] {
  const run = db.transaction((): number[] => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version        INTEGER NOT NULL PRIMARY KEY,
      name           TEXT    NOT NULL,
      applied_at_ms  INTEGER NOT NULL
    ) STRICT`);
    const recorded = new Set(db.prepare<[], number>('SELECT version FROM schema_migrations').pluck(true).all());
    const known = new Set(migrations.map((m) => m.version));
    const unknown = [...recorded].filter((version) => !known.has(version));
    if (unknown.length > 0) {
      throw new Error(
        `the database records migration(s) ${unknown.join(', ')} that this version of Attune does not have; it was written by a newer version`,
      );
    }
    const record = db.prepare<[number, string, number]>('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)');
    const applied: number[] = [];
    for (const migration of migrations) {
      if (recorded.has(migration.version)) continue;
      db.exec(migration.sql);
      record.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    }
    return applied;
  });
  return run.immediate();
}
