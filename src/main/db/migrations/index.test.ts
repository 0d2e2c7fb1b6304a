import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  assertNotTooNew,
  getUserVersion,
  LATEST_VERSION,
  MIGRATIONS,
  pendingMigrations,
  runMigrations,
  type Migration,
} from './index';

describe('runMigrations', () => {
  it('applies pending migrations in order and is idempotent', () => {
    const db = new Database(':memory:');
    expect(pendingMigrations(db).map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(runMigrations(db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(getUserVersion(db)).toBe(LATEST_VERSION);
    expect(runMigrations(db)).toEqual([]);
  });

  it('rolls a failing migration back together with its version bump', () => {
    const db = new Database(':memory:');
    runMigrations(db);
    const broken: Migration = {
      version: LATEST_VERSION + 1,
      up: (d) => {
        d.exec('CREATE TABLE half_done (x INTEGER) STRICT');
        d.exec('INSERT INTO no_such_table VALUES (1)');
      },
    };
    expect(() => runMigrations(db, [...MIGRATIONS, broken])).toThrow(/no_such_table/);
    expect(getUserVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE name = 'half_done'").get()).toBeUndefined();
  });

  it('refuses a database from a newer version with E_SCHEMA_TOO_NEW', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${LATEST_VERSION + 5}`);
    expect(() => assertNotTooNew(db)).toThrow(
      expect.objectContaining({ code: 'E_SCHEMA_TOO_NEW', message: expect.stringMatching(/newer version/) }),
    );
    expect(() => runMigrations(db)).toThrow(expect.objectContaining({ code: 'E_SCHEMA_TOO_NEW' }));
  });
});
