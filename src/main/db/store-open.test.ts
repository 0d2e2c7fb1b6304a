import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ListQuerySchema } from '../../shared';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { LOCK_FILE, openJobStore, type Notice } from './store';
import { freshStore, input, tempDir } from './test-helpers';

const quickCheck = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma('quick_check', { simple: true });
  } finally {
    db.close();
  }
};

describe('open and close', () => {
  it('creates the layout, marks the session with a lock file and removes it on clean close', async () => {
    const { store, dir } = await freshStore();
    expect(fs.existsSync(path.join(dir, 'performia.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'backups'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'uploads'))).toBe(true);
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    expect(store.openReport).toMatchObject({
      uncleanShutdown: false,
      migrated: MIGRATIONS.map((m) => m.version),
      backupBeforeMigration: null,
    });
    store.createJobs([input('a')]);
    store.checkpoint();
    expect(fs.statSync(`${store.dbPath}-wal`).size).toBe(0);
    store.close();
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    const again = await openJobStore({ dataDir: dir });
    expect(again.openReport).toMatchObject({ uncleanShutdown: false, migrated: [], quickCheck: null });
    expect(again.stats().total).toBe(1);
    again.close();
  });

  it('after an unclean shutdown runs quick_check off thread and reports it', async () => {
    const { store, dir } = await freshStore();
    store.createJobs([input('a')]);
    store.db.close(); // simulate a crash: no clean close, the lock file stays
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(true);
    const notices: Notice[] = [];
    const again = await openJobStore({ dataDir: dir, onNotice: (n) => notices.push(n) });
    expect(again.openReport).toMatchObject({ uncleanShutdown: true, quickCheck: 'ok', restoredFrom: null });
    expect(again.stats().recovery).toMatch(/integrity check passed/);
    expect(again.stats().total).toBe(1);
    expect(notices).toEqual([]);
    again.close();
  });
});

describe('migrations at open', () => {
  it('refuses a database from a newer version and leaves it untouched', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'performia.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE future (x INTEGER)');
    db.pragma('user_version = 99');
    db.close();
    const before = fs.readFileSync(file);
    await expect(openJobStore({ dataDir: dir })).rejects.toMatchObject({ code: 'E_SCHEMA_TOO_NEW' });
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('backs up an existing non-empty database before migrating it (v1 → latest)', async () => {
    const { store, dir } = await freshStore({ migrations: [MIGRATIONS[0]] });
    expect(store.stats().schemaVersion).toBe(1);
    const [job] = store.createJobs([input('Night Drive.mp3')]);
    store.close();
    const again = await openJobStore({ dataDir: dir });
    expect(again.openReport.migrated).toEqual(MIGRATIONS.slice(1).map((m) => m.version));
    const backup = again.openReport.backupBeforeMigration;
    expect(backup).toMatch(/backups\/performia-\d{8}T\d{9}Z\.sqlite$/);
    expect(again.stats().schemaVersion).toBe(LATEST_VERSION);
    expect(again.getJob(job.id)?.fileName).toBe('Night Drive.mp3');
    // the job written before the search index existed is searchable after the migration
    expect(again.listJobs(ListQuerySchema.parse({ search: 'night' })).items.map((j) => j.id)).toEqual([
      job.id,
    ]);
    again.close();
    // the backup is the pre-migration database: version 1, same job, healthy
    const b = new Database(backup!, { readonly: true });
    expect(b.pragma('user_version', { simple: true })).toBe(1);
    expect(b.prepare('SELECT file_name FROM jobs WHERE id = ?').get(job.id)).toEqual({
      file_name: 'Night Drive.mp3',
    });
    b.close();
    // a fresh database is not backed up (nothing to lose)
    expect((await freshStore()).store.openReport.backupBeforeMigration).toBeNull();
  });

  it('a later migration runs on the next open; the older app then refuses the file', async () => {
    const { store, dir } = await freshStore();
    store.close();
    const next: Migration = {
      version: LATEST_VERSION + 1,
      up: (db) => db.exec('ALTER TABLE jobs ADD COLUMN note TEXT'),
    };
    const again = await openJobStore({ dataDir: dir, migrations: [...MIGRATIONS, next] });
    expect(again.openReport.migrated).toEqual([LATEST_VERSION + 1]);
    again.close();
    await expect(openJobStore({ dataDir: dir })).rejects.toMatchObject({ code: 'E_SCHEMA_TOO_NEW' });
  });
});

describe('backups', () => {
  it('VACUUM INTO, fsync, rename, quick_check; keeps the newest N', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store, dir } = await freshStore({ now: () => clock, keepBackups: 2 });
    store.createJobs([input('a'), input('b')]);
    const made = [];
    for (let i = 0; i < 3; i++) {
      clock += 1000;
      made.push(await store.backup());
    }
    const listed = store.stats().backups;
    expect(listed.map((b) => b.path)).toEqual([made[2].path, made[1].path]);
    expect(fs.existsSync(made[0].path)).toBe(false);
    expect(listed[0].createdAt).toBe(clock);
    expect(listed[0].sizeBytes).toBe(fs.statSync(made[2].path).size);
    expect(quickCheck(made[2].path)).toBe('ok');
    expect(fs.readdirSync(path.join(dir, 'backups')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const copy = new Database(made[2].path, { readonly: true });
    expect(copy.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 2 });
    copy.close();
    store.close();
  });

  it('sweeps the .tmp a backup cut short by a crash left behind', async () => {
    const { store, dir } = await freshStore();
    store.createJobs([input('a')]);
    const stale = path.join(dir, 'backups', 'performia-interrupted.sqlite.tmp');
    fs.mkdirSync(path.dirname(stale), { recursive: true });
    fs.writeFileSync(stale, 'half a backup');
    await store.backup();
    expect(fs.existsSync(stale)).toBe(false);
    expect(store.stats().backups).toHaveLength(1);
    store.close();
  });
});

describe('corruption', () => {
  function garbage(file: string, offset: number, length: number) {
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.alloc(length, 0xa5), 0, length, offset);
    fs.closeSync(fd);
  }

  it('garbage over the file → set aside, newest backup restored, user told', async () => {
    const { store, dir } = await freshStore();
    const [kept] = store.createJobs([input('kept.mp3')]);
    const backup = await store.backup();
    store.createJobs([input('after-backup.mp3')]);
    store.close();
    garbage(store.dbPath, 0, 8192);
    const notices: Notice[] = [];
    const again = await openJobStore({ dataDir: dir, onNotice: (n) => notices.push(n) });
    expect(again.openReport.restoredFrom).toBe(backup.path);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      level: 'warning',
      message: expect.stringMatching(/restored from the backup/),
    });
    expect(again.stats().recovery).toBe(notices[0].message);
    expect(again.getJob(kept.id)?.fileName).toBe('kept.mp3');
    expect(again.stats().total).toBe(1);
    const aside = fs.readdirSync(dir).filter((f) => f.startsWith('performia.sqlite.corrupt-'));
    expect(aside.length).toBeGreaterThanOrEqual(1);
    again.close();
  });

  it('no backup → a fresh, empty database and a notice', async () => {
    const { store, dir } = await freshStore();
    store.createJobs([input('lost.mp3')]);
    store.close();
    fs.writeFileSync(store.dbPath, 'this is not a database at all, just text'.repeat(200));
    const notices: Notice[] = [];
    const again = await openJobStore({ dataDir: dir, onNotice: (n) => notices.push(n) });
    expect(again.openReport.restoredFrom).toBeNull();
    expect(notices[0].message).toMatch(/no usable backup/);
    expect(again.stats()).toMatchObject({ total: 0, schemaVersion: LATEST_VERSION });
    again.createJobs([input('new.mp3')]);
    again.close();
  });

  it('damage that only quick_check finds (after an unclean shutdown) is also restored', async () => {
    const { store, dir } = await freshStore();
    store.createJobs(Array.from({ length: 3000 }, (_, i) => input(`song ${i} with a long enough name.mp3`)));
    const backup = await store.backup();
    store.checkpoint();
    const pages = fs.statSync(store.dbPath).size / 4096;
    store.db.close(); // crash: lock file stays
    // smash index/table pages in the middle; the header and schema page stay intact
    garbage(store.dbPath, Math.floor(pages / 2) * 4096, 4096 * 4);
    const notices: Notice[] = [];
    const again = await openJobStore({ dataDir: dir, onNotice: (n) => notices.push(n) });
    expect(again.openReport.uncleanShutdown).toBe(true);
    expect(again.openReport.restoredFrom).toBe(backup.path);
    expect(notices).toHaveLength(1);
    expect(again.stats().total).toBe(3000);
    expect(quickCheck(again.dbPath)).toBe('ok');
    again.close();
  });
});
