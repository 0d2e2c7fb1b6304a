/** Restoring a backup through the one writer connection: listing, checks, keep-aside, swap, reopen, undo. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { openJobStore } from './store';
import { toJobRow } from '../../shared';
import { completeWith, freshStore, input } from './test-helpers';

const names = (rows: { name: string }[]) => rows.map((r) => r.name);

describe('backups.list in the store', () => {
  it('lists the backups newest first with their job count and schema version', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store } = await freshStore({ now: () => clock });
    expect(await store.listBackups()).toEqual([]);
    store.createJobs([input('a'), input('b')]);
    const first = await store.backup();
    clock += 60_000;
    store.createJobs([input('c')]);
    const second = await store.backup();
    const list = await store.listBackups();
    expect(list).toEqual([
      {
        ...second,
        name: path.basename(second.path),
        jobCount: 3,
        schemaVersion: LATEST_VERSION,
      },
      { ...first, name: path.basename(first.path), jobCount: 2, schemaVersion: LATEST_VERSION },
    ]);
    store.close();
  });
});

describe('restoreBackup', () => {
  it('brings deleted jobs back, keeps the state before as a backup, and restoring that one undoes it', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store } = await freshStore({ now: () => clock });
    const [a, b] = store.createJobs([input('a.wav'), input('b.wav')]);
    completeWith(store, a.id, { bpm: 128 });
    store.setEdits(a.id, { bpm: 127.5 });
    const backup = await store.backup();
    clock += 60_000;
    store.deleteJobs([a.id, b.id]);
    const [c] = store.createJobs([input('c.wav')]);
    expect(store.stats().total).toBe(1);

    clock += 60_000;
    const r = await store.restoreBackup(path.basename(backup.path));
    expect(r.restored).toEqual(backup);
    expect(r.keptAs.createdAt).toBe(clock);
    // the same store object now reads and writes the restored file
    expect(store.stats().total).toBe(2);
    expect(store.getJob(a.id)).toMatchObject({ status: 'completed', summary: { bpm: 128 } });
    expect(store.getSongMap(a.id)?.tempo?.bpm_global).toBe(128);
    expect(store.getEdits(a.id)).toEqual({ bpm: 127.5 });
    expect(store.getJob(c.id)).toBeNull();
    expect(
      store.listJobs({ limit: 10, cursor: null, sort: 'created', order: 'asc' }).items.map((j) => j.id),
    ).toEqual([a.id, b.id]);
    const [d] = store.createJobs([input('d.wav')]); // writes go to the restored file
    expect(store.stats().total).toBe(3);
    const listed = await store.listBackups();
    expect(names(listed)).toEqual([path.basename(r.keptAs.path), path.basename(backup.path)]);
    expect(listed[0].jobCount).toBe(1); // the state before: only c

    // undo: restore what was kept aside
    clock += 60_000;
    const undo = await store.restoreBackup(path.basename(r.keptAs.path));
    expect(store.getJob(c.id)).toMatchObject({ fileName: 'c.wav' });
    expect(store.getJob(a.id)).toBeNull();
    expect(store.getJob(d.id)).toBeNull();
    expect(store.stats().total).toBe(1);
    expect((await store.listBackups()).find((x) => x.path === undo.keptAs.path)?.jobCount).toBe(3);

    // and it survives a close and reopen: the file on disk is the restored one
    store.close();
    const again = await openJobStore({ dataDir: store.dataDir });
    expect(again.openReport.uncleanShutdown).toBe(false);
    expect(again.getJob(c.id)?.fileName).toBe('c.wav');
    expect(again.stats().total).toBe(1);
    again.close();
  });

  it('list rows (listRows, getRow) read the restored database: the row statement is prepared again on the new connection', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store } = await freshStore({ now: () => clock });
    const [a, b] = store.createJobs([input('a.wav'), input('b.wav')]);
    completeWith(store, a.id, { bpm: 128, key: 'Am' });
    const q = { limit: 10, cursor: null, sort: 'created', order: 'asc' } as const;
    // both statements prepared (and used) on the connection the restore will close
    expect(store.getRow(a.id)).toMatchObject({ status: 'completed', bpm: 128 });
    expect(store.listRows(q).total).toBe(2);
    const backup = await store.backup();
    clock += 60_000;
    store.deleteJobs([a.id, b.id]);
    const [c] = store.createJobs([input('c.wav')]);
    expect(store.getRow(c.id)?.fileName).toBe('c.wav');
    const before = store.db;

    clock += 60_000;
    await store.restoreBackup(path.basename(backup.path));
    expect(store.db).not.toBe(before);
    expect(before.open).toBe(false);
    expect(store.getRow(a.id)).toEqual(toJobRow(store.getJob(a.id)!));
    expect(store.getRow(a.id)).toMatchObject({ status: 'completed', bpm: 128, key: 'Am' });
    expect(store.getRow(b.id)).toMatchObject({ status: 'queued', fileName: 'b.wav' });
    expect(store.getRow(c.id)).toBeNull();
    const page = store.listRows(q);
    expect(page.items.map((r) => r.id)).toEqual([a.id, b.id]);
    expect(page.total).toBe(2);
    expect(page.items).toEqual(store.listJobs(q).items.map(toJobRow));
    // a job written after the restore is read by the same statements
    const [d] = store.createJobs([input('d.wav')]);
    expect(store.getRow(d.id)?.fileName).toBe('d.wav');
    expect(store.listRows(q).total).toBe(3);
    store.close();
  });

  it('leaves jobs that were processing in the backup as processing for the caller to requeue', async () => {
    const { store } = await freshStore();
    const [a] = store.createJobs([input('a.wav')]);
    store.transition(a.id, 'processing');
    const backup = await store.backup();
    store.transition(a.id, 'queued');
    await store.restoreBackup(path.basename(backup.path));
    expect(store.getJob(a.id)?.status).toBe('processing');
    expect(store.recoverInterrupted().requeued).toEqual([a.id]);
    expect(store.getJob(a.id)?.status).toBe('queued');
    store.close();
  });

  it('never prunes the backup being restored, even when keeping the state before pushes it past the limit', async () => {
    let clock = Date.UTC(2026, 0, 1);
    const { store } = await freshStore({ now: () => clock, keepBackups: 2 });
    store.createJobs([input('old.wav')]);
    const oldest = await store.backup();
    clock += 1000;
    store.createJobs([input('new.wav')]);
    await store.backup();
    clock += 1000;
    const r = await store.restoreBackup(path.basename(oldest.path));
    expect(store.stats().total).toBe(1);
    const listed = names(await store.listBackups());
    expect(listed).toContain(path.basename(oldest.path));
    expect(listed).toContain(path.basename(r.keptAs.path));
    store.close();
  });

  it('migrates a backup written by an older schema when it is restored', async () => {
    const { store, dir } = await freshStore({ migrations: [MIGRATIONS[0]] });
    store.createJobs([input('v1.wav')]);
    const v1 = await store.backup();
    store.close();
    const current = await openJobStore({ dataDir: dir });
    current.createJobs([input('later.wav')]);
    await current.restoreBackup(path.basename(v1.path));
    expect(current.stats().schemaVersion).toBe(LATEST_VERSION);
    expect(
      current
        .listJobs({ limit: 10, cursor: null, sort: 'created', order: 'asc' })
        .items.map((j) => j.fileName),
    ).toEqual(['v1.wav']);
    current.close();
  });

  it('refuses an unknown name, a damaged backup and a newer schema, changing nothing', async () => {
    const { store, dir } = await freshStore();
    const [a] = store.createJobs([input('a.wav')]);
    await expect(store.restoreBackup('performia-20990101T000000000Z.sqlite')).rejects.toMatchObject({
      code: 'E_BACKUP_NOT_FOUND',
    });
    await expect(store.restoreBackup('../performia.sqlite')).rejects.toMatchObject({
      code: 'E_BACKUP_NOT_FOUND',
    });

    const damaged = await store.backup();
    fs.writeFileSync(damaged.path, Buffer.alloc(8192, 0x41));
    await expect(store.restoreBackup(path.basename(damaged.path))).rejects.toMatchObject({
      code: 'E_DB_CORRUPT',
    });

    // a backup from a later version of the app
    const next: Migration = {
      version: LATEST_VERSION + 1,
      up: (db) => db.exec('ALTER TABLE jobs ADD COLUMN note TEXT'),
    };
    const { store: newer } = await freshStore({ migrations: [...MIGRATIONS, next] });
    newer.createJobs([input('n.wav')]);
    const fromNewer = await newer.backup();
    newer.close();
    const target = path.join(dir, 'backups', 'performia-20260101T000000000Z.sqlite');
    fs.copyFileSync(fromNewer.path, target);
    await expect(store.restoreBackup(path.basename(target))).rejects.toMatchObject({
      code: 'E_SCHEMA_TOO_NEW',
    });

    expect(store.getJob(a.id)?.fileName).toBe('a.wav');
    expect(store.stats().total).toBe(1);
    expect(fs.existsSync(`${store.dbPath}.restore-tmp`)).toBe(false);
    store.close();
  });
});
