import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOURNAL_SIZE_LIMIT, openConnection, readPragmas } from './connection';
import { tempDir } from './test-helpers';

describe('openConnection', () => {
  it('runs WAL with synchronous=FULL, foreign keys, busy timeout and a journal size limit (read back)', () => {
    const db = openConnection(path.join(tempDir(), 'x.sqlite'));
    expect(readPragmas(db)).toEqual({
      journalMode: 'wal',
      synchronous: 2,
      foreignKeys: 1,
      busyTimeout: 5000,
      journalSizeLimit: JOURNAL_SIZE_LIMIT,
    });
    db.close();
  });

  it('is needed: a plain better-sqlite3 WAL connection silently runs synchronous=NORMAL', () => {
    const file = path.join(tempDir(), 'y.sqlite');
    const first = new Database(file);
    first.pragma('journal_mode = WAL');
    first.close();
    // reopening a WAL database: the driver's compile-time WAL default (NORMAL) applies
    const db = new Database(file);
    expect(Number(db.pragma('synchronous', { simple: true }))).toBe(1);
    db.close();
    // ours reads back FULL on the same file
    const ours = openConnection(file);
    expect(readPragmas(ours).synchronous).toBe(2);
    ours.close();
  });
});
