import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobStoreExt } from './store';
import { completeWith, freshStore, input } from './test-helpers';

const DAY = 86_400_000;
let store: JobStoreExt;
let dir: string;
let clock = 0;
beforeEach(async () => {
  clock = 100 * DAY;
  ({ store, dir } = await freshStore({ now: () => clock }));
});
afterEach(() => store.close());

function upload(name: string, bytes: number): string {
  const file = path.join(dir, 'uploads', name);
  fs.writeFileSync(file, Buffer.alloc(bytes, 1));
  return file;
}

describe('deleteJobs', () => {
  it('removes rows, song maps, edits and owned uploads, never a user file', () => {
    const owned = upload('owned.wav', 500);
    const outside = path.join(dir, 'mine.wav');
    fs.writeFileSync(outside, 'user file');
    const [a, b, c] = store.createJobs([
      input('owned.wav', { inputPath: owned, ownsInput: true }),
      // a row that claims ownership of a path outside uploads/: the file must survive
      input('mine.wav', { inputPath: outside, ownsInput: true }),
      input('keep.wav'),
    ]);
    completeWith(store, a.id);
    completeWith(store, c.id);
    store.setEdits(a.id, { bpm: 100 });
    expect(store.deleteJobs([a.id, b.id, a.id, 'missing'])).toBe(2);
    expect(store.getJob(a.id)).toBeNull();
    expect(store.getJob(c.id)).not.toBeNull();
    expect(fs.existsSync(owned)).toBe(false);
    expect(fs.existsSync(outside)).toBe(true);
    const leftovers = store.db
      .prepare('SELECT (SELECT count(*) FROM song_maps) AS r, (SELECT count(*) FROM edits) AS e')
      .get();
    expect(leftovers).toEqual({ r: 1, e: 0 });
    expect(store.stats().total).toBe(1);
    expect(store.deleteJobs([])).toBe(0);
  });

  it('deletes thousands of ids across statement chunks', () => {
    const jobs = store.createJobs(Array.from({ length: 4500 }, (_, i) => input(`${i}`)));
    expect(store.deleteJobs(jobs.slice(0, 4400).map((j) => j.id))).toBe(4400);
    expect(store.stats().total).toBe(100);
  });
});

describe('cleanup', () => {
  function seedAged() {
    const f1 = upload('old1.wav', 1000);
    const f2 = upload('new.wav', 3000);
    const [oldDone, oldFailed, oldQueued, oldProcessing, recent, oldCancelled] = store.createJobs([
      input('old1.wav', { inputPath: f1, ownsInput: true }),
      input('oldf'),
      input('oldq'),
      input('oldp'),
      input('new.wav', { inputPath: f2, ownsInput: true }),
      input('oldc'),
    ]);
    clock = 10 * DAY + 100 * DAY; // 10 days later than creation
    completeWith(store, oldDone.id);
    store.transition(oldFailed.id, 'failed', { errorCode: 'E_DECODE', errorMessage: 'x' });
    store.transition(oldProcessing.id, 'processing');
    store.transition(oldCancelled.id, 'cancelled');
    clock += 29 * DAY;
    completeWith(store, recent.id);
    clock += 2 * DAY; // now: old ones finished 31 days ago, recent 2 days ago
    return { oldDone, oldFailed, oldQueued, oldProcessing, recent, oldCancelled, f1, f2 };
  }

  it('dry run previews the exact numbers and removes nothing; the real run matches it', () => {
    const s = seedAged();
    const resultBytes = (id: string) =>
      (store.db.prepare('SELECT result_bytes AS b FROM jobs WHERE id = ?').get(id) as { b: number }).b;
    const expectedBytes = 1000 + resultBytes(s.oldDone.id);
    const preview = store.cleanup(30, true);
    expect(preview).toEqual({ count: 3, bytes: expectedBytes, dryRun: true, ids: [] });
    expect(store.stats().total).toBe(6);
    expect(fs.existsSync(s.f1)).toBe(true);

    const real = store.cleanup(30, false);
    expect({ ...real, ids: [...real.ids].sort() }).toEqual({
      count: 3,
      bytes: expectedBytes,
      dryRun: false,
      ids: [s.oldDone.id, s.oldFailed.id, s.oldCancelled.id].sort(),
    });
    for (const gone of [s.oldDone, s.oldFailed, s.oldCancelled]) expect(store.getJob(gone.id)).toBeNull();
    // unfinished jobs are never cleaned, whatever their age
    for (const kept of [s.oldQueued, s.oldProcessing, s.recent]) expect(store.getJob(kept.id)).not.toBeNull();
    expect(fs.existsSync(s.f1)).toBe(false);
    expect(fs.existsSync(s.f2)).toBe(true);
    expect(store.cleanup(30, false)).toEqual({ count: 0, bytes: 0, dryRun: false, ids: [] });
    expect(store.cleanup(0, false)).toMatchObject({ count: 1, ids: [s.recent.id] });
  });

  it('leaves the connection at synchronous=FULL after cleanup slices', async () => {
    store.createJobs(Array.from({ length: 300 }, (_, i) => input(`${i}`)));
    store.db.prepare("UPDATE jobs SET status = 'failed', completed_at = ?").run(clock - 40 * DAY);
    await store.cleanupAsync(30, { chunkSize: 100 });
    expect(Number(store.db.pragma('synchronous', { simple: true }))).toBe(2);
    store.createJobs(Array.from({ length: 300 }, (_, i) => input(`${i}`)));
    store.db.prepare("UPDATE jobs SET status = 'failed', completed_at = ?").run(clock - 40 * DAY);
    expect(store.cleanup(30, false).count).toBe(300);
    expect(Number(store.db.pragma('synchronous', { simple: true }))).toBe(2);
  });

  it('a cleanup of most jobs rebuilds the indexes from the survivors: same schema, same answers', () => {
    const s = seedAged();
    const schema = () =>
      store.db
        .prepare("SELECT type, name, sql FROM sqlite_schema WHERE type IN ('index', 'trigger') ORDER BY name")
        .all();
    const before = schema();
    store.setEdits(s.oldDone.id, { bpm: 99 });
    const doomed = [s.oldDone.id, s.oldFailed.id, s.oldCancelled.id].sort();
    const r = store.cleanup(30, false, undefined, { rebuildMinJobs: 1, rebuildShare: 0.4 });
    expect({ count: r.count, ids: [...r.ids].sort() }).toEqual({ count: 3, ids: doomed });
    expect(schema()).toEqual(before);
    for (const id of doomed) expect(store.getJob(id)).toBeNull();
    expect(store.db.prepare('SELECT (SELECT count(*) FROM song_maps) AS m, (SELECT count(*) FROM edits) AS e').get()).toEqual({ m: 1, e: 0 });
    expect(fs.existsSync(s.f1)).toBe(false);
    expect(store.stats()).toMatchObject({ total: 3, counts: { queued: 1, processing: 1, completed: 1, failed: 0, cancelled: 0 } });
    // the search index holds exactly the survivors, and its triggers work again
    const found = (text: string) => store.listJobs({ sort: 'created', order: 'desc', limit: 50, cursor: null, search: text }).items.map((j) => j.id);
    expect(found('old')).toEqual([s.oldProcessing.id, s.oldQueued.id].sort().reverse());
    expect(found('new.wav')).toEqual([s.recent.id]);
    store.deleteJobs([s.oldQueued.id]);
    expect(found('oldq')).toEqual([]);
    // the summary sort still walks its index
    expect(store.listJobs({ sort: 'bpm', order: 'desc', limit: 50, cursor: null }).items[0]?.id).toBe(s.recent.id);
    expect(store.db.prepare('PRAGMA integrity_check').pluck().get()).toBe('ok');
  });

  it('rejects a negative age', () => {
    expect(() => store.cleanup(-1, true)).toThrow(expect.objectContaining({ code: 'E_INVALID_REQUEST' }));
  });

  it('async cleanup works in slices and yields between them', async () => {
    const jobs = store.createJobs(Array.from({ length: 2500 }, (_, i) => input(`${i}`)));
    store.db.prepare("UPDATE jobs SET status = 'failed', completed_at = ?").run(clock - 40 * DAY);
    const slices: number[] = [];
    const ticksAtSlice: number[] = [];
    // another task on the event loop: it must get turns between the slices
    let ticks = 0;
    let done = false;
    const spin = () => {
      ticks++;
      if (!done) setImmediate(spin);
    };
    setImmediate(spin);
    const r = await store.cleanupAsync(30, {
      chunkSize: 500,
      onSlice: (_ms, n) => {
        slices.push(n);
        ticksAtSlice.push(ticks);
      },
    });
    done = true;
    expect(r.count).toBe(jobs.length);
    // every deleted job is reported once, so the UI can drop exactly those rows
    expect([...r.ids].sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(slices.slice(0, 6)).toEqual([500, 1000, 1500, 2000, 2500, 2500]);
    // then the search index is merged in short steps of their own, still yielding between them
    expect(slices.slice(6).length).toBeGreaterThan(0);
    expect(slices.slice(6).every((n) => n === 2500)).toBe(true);
    for (let i = 1; i < ticksAtSlice.length; i++)
      expect(ticksAtSlice[i]).toBeGreaterThan(ticksAtSlice[i - 1]);
    expect(store.stats().total).toBe(0);
  });

  it('sliced cleanup pauses FTS5 automatic merging and restores it; a crash in between is repaired at open', async () => {
    const automerge = () =>
      store.db.prepare("SELECT v FROM jobs_fts_config WHERE k = 'automerge'").pluck().get() as number | undefined;
    const jobs = store.createJobs(Array.from({ length: 400 }, (_, i) => input(`song ${i}.wav`)));
    const keep = jobs.slice(300);
    store.db.prepare("UPDATE jobs SET status = 'failed', completed_at = ? WHERE id <= ?").run(clock - 40 * DAY, jobs[299].id);
    const seen: Array<number | undefined> = [];
    await store.cleanupAsync(30, { chunkSize: 100, onSlice: () => seen.push(automerge()) });
    expect(seen[0]).toBe(0);
    expect(automerge()).toBe(4);
    const found = store.listJobs({ sort: 'created', order: 'desc', limit: 200, cursor: null, search: 'song' });
    expect(found.total).toBe(100);
    expect(found.items.map((j) => j.id).sort()).toEqual(keep.map((j) => j.id).sort());
    // a crash while it was off leaves 0 in the index's config: the next open turns merging back on
    store.db.exec("INSERT INTO jobs_fts (jobs_fts, rank) VALUES ('automerge', 0)");
    store.close();
    ({ store } = await freshStore({ dataDir: dir, now: () => clock }));
    expect(automerge()).toBe(4);
  });

  it('by default sizes each slice from the last one so slices stay near the time budget', async () => {
    store.createJobs(Array.from({ length: 3000 }, (_, i) => input(`${i}`)));
    store.db.prepare("UPDATE jobs SET status = 'completed', completed_at = ?").run(clock - 40 * DAY);
    const deleted: number[] = [];
    const r = await store.cleanupAsync(30, { sliceBudgetMs: 1000, onSlice: (_ms, n) => deleted.push(n) });
    expect(r.count).toBe(3000);
    const sizes = deleted.map((n, i) => n - (deleted[i - 1] ?? 0));
    expect(sizes[0]).toBe(100);
    // fast slices against a generous budget: each slice doubles (the growth cap)
    expect(sizes[1]).toBe(200);
    expect(sizes[2]).toBe(400);
  });
});
