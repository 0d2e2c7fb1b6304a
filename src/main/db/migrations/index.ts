/**
 * Schema migrations keyed by PRAGMA user_version. Each runs in one IMMEDIATE transaction together
 * with its version bump, so a crash leaves the database at the old or the new version, never between.
 */
import { AppError } from '../../../shared';
import type { Db } from '../sql';
import * as m001 from './001-initial';
import * as m002 from './002-search';
import * as m003 from './003-flat-jobs';

export interface Migration {
  version: number;
  up(db: Db): void;
}

export const MIGRATIONS: readonly Migration[] = [m001, m002, m003];
export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export function getUserVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Refuses a database written by a newer Performia before anything touches it. */
export function assertNotTooNew(db: Db, latest: number = LATEST_VERSION): void {
  const current = getUserVersion(db);
  if (current > latest) {
    throw new AppError(
      'E_SCHEMA_TOO_NEW',
      `The database was written by a newer version of Performia (schema ${current}; this version understands up to ${latest}). ` +
        'Update Performia to open it; the file was left untouched.',
    );
  }
}

/** true when the database has tables (i.e. it is not a freshly created file) */
export function hasUserTables(db: Db): boolean {
  return (
    db
      .prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' LIMIT 1")
      .get() !== undefined
  );
}

export function pendingMigrations(db: Db, migrations: readonly Migration[] = MIGRATIONS): Migration[] {
  const current = getUserVersion(db);
  return migrations.filter((m) => m.version > current);
}

/** Applies every pending migration in order; returns the versions applied. */
export function runMigrations(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  assertNotTooNew(db, migrations[migrations.length - 1]?.version ?? 0);
  const applied: number[] = [];
  for (const m of pendingMigrations(db, migrations)) {
    db.transaction(() => {
      m.up(db);
      // PRAGMA cannot take parameters; version is a trusted integer from our own table
      db.pragma(`user_version = ${Math.trunc(m.version)}`);
    }).immediate();
    applied.push(m.version);
  }
  return applied;
}
