/**
 * The contract surface of the core: every channel's happy path (responses validated against the
 * contract's response schemas), validation of hostile payloads, error mapping, and events.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS, channels } from '../../shared';
import type { Job } from '../../shared';
import { openJobStore } from '../db/store';
import { isTerminal, makeHarness } from '../jobs/testing/harness';
import type { Harness } from '../jobs/testing/harness';
import { writeWav } from '../jobs/testing/wav';

let h: Harness | null = null;
afterEach(async () => {
  await h?.dispose();
  h = null;
  vi.restoreAllMocks();
});

const label = (channel: string, payload: unknown): string => {
  try {
    return `${channel} ${String(JSON.stringify(payload)).slice(0, 80)}`;
  } catch {
    return `${channel} (unprintable payload)`;
  }
};

const expectError = async (hh: Harness, channel: string, payload: unknown, code: string) => {
  const r = await hh.core.dispatch(channel, payload);
  expect(r.ok, label(channel, payload)).toBe(false);
  if (r.ok) return '';
  expect(r.error.code, label(channel, payload)).toBe(code);
  expect(Object.keys(r.error).sort()).toEqual(['code', 'message']);
  expect(r.error.message).not.toMatch(/\n\s+at |node_modules|\/work\//);
  return r.error.message;
};

describe('dispatch validation', () => {
  it('unknown channels, including prototype names, → E_UNKNOWN_CHANNEL', async () => {
    h = await makeHarness({ autoStart: false });
    for (const c of ['nope', '', '__proto__', 'constructor', 'toString', 'jobs.submit ', 'JOBS.SUBMIT']) {
      await expectError(h, c, {}, 'E_UNKNOWN_CHANNEL');
    }
    await expectError(h, 42 as unknown as string, {}, 'E_UNKNOWN_CHANNEL');
  });

  it('bad payloads of every shape → E_INVALID_REQUEST naming the field', async () => {
    h = await makeHarness({ autoStart: false });
    const cases: [string, unknown, RegExp?][] = [
      ['jobs.submit', undefined],
      ['jobs.submit', null],
      ['jobs.submit', 'a string'],
      ['jobs.submit', []],
      ['jobs.submit', {}, /paths/],
      ['jobs.submit', { paths: [] }, /paths/],
      ['jobs.submit', { paths: [1] }, /paths\.0/],
      ['jobs.submit', { paths: ['/x'], extra: 1 }, /extra/],
      ['jobs.submit', { paths: ['x'.repeat(5000)] }, /paths\.0/],
      ['jobs.submit', { paths: new Array(100_001).fill('/a') }, /paths/],
      ['jobs.get', { id: 5 }, /id/],
      ['jobs.get', { id: '' }, /id/],
      ['jobs.get', { id: '../../etc/passwd' }, /id/],
      ['jobs.get', { id: 'x'.repeat(65) }, /id/],
      ['jobs.cancel', { ids: 'abc' }, /ids/],
      ['jobs.cancel', { ids: [] }, /ids/],
      ['jobs.delete', { ids: new Array(100_001).fill('a') }, /ids/],
      ['jobs.list', { limit: 0 }, /limit/],
      ['jobs.list', { limit: 'all' }, /limit/],
      ['jobs.list', { sort: 'id; DROP TABLE jobs' }, /sort/],
      ['jobs.list', { status: ['queued', 'weird'] }, /status/],
      ['jobs.list', { search: 's'.repeat(201) }, /search/],
      ['jobs.cleanup', { olderThanDays: -1 }, /olderThanDays/],
      ['jobs.cleanup', { olderThanDays: '30' }, /olderThanDays/],
      ['jobs.cleanup', {}, /olderThanDays/],
      ['settings.set', { concurrency: 0 }, /concurrency/],
      ['settings.set', { concurrency: 1.5 }, /concurrency/],
      ['settings.set', { theme: 'neon' }, /theme/],
      ['settings.set', { unknownSetting: true }, /unknownSetting/],
      ['edits.set', { id: 'a', edits: { bpm: -1 } }, /edits\.bpm/],
      ['edits.set', { id: 'a', edits: { chords: { x: 'C' } } }, /edits\.chords/],
      ['edits.set', { id: 'a' }, /edits/],
      ['app.info', { extra: 1 }, /extra/],
      ['db.stats', 'x'],
      // prototype pollution, as JSON.parse would deliver it (own "__proto__" keys)
      ['jobs.get', JSON.parse('{"id":"a","__proto__":{"polluted":true}}'), /__proto__/],
      ['settings.set', JSON.parse('{"__proto__":{"concurrency":64}}'), /__proto__/],
      ['edits.set', JSON.parse('{"id":"a","edits":{"chords":{"__proto__":"C"}}}'), /__proto__/],
      ['jobs.list', JSON.parse('{"constructor":{"prototype":{"x":1}}}'), /constructor/],
      ['edits.set', { id: 'a', edits: { key: { tonic: 'C', mode: 'major', prototype: 1 } } }, /prototype/],
    ];
    for (const [channel, payload, field] of cases) {
      const msg = await expectError(h, channel, payload, 'E_INVALID_REQUEST');
      if (field) expect(msg, channel).toMatch(field);
      expect(msg.length).toBeLessThanOrEqual(230);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // a deeply nested payload is refused without recursion trouble
    let deep: unknown = { id: 'a' };
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    await expectError(h, 'jobs.get', deep, 'E_INVALID_REQUEST');
  });

  it('AppErrors keep their code; unexpected errors become E_INTERNAL without detail', async () => {
    h = await makeHarness({ autoStart: false });
    await expectError(h, 'jobs.get', { id: 'does-not-exist' }, 'E_JOB_NOT_FOUND');
    await expectError(h, 'edits.get', { id: 'does-not-exist' }, 'E_JOB_NOT_FOUND');
    await expectError(h, 'dialog.openAudio', {}, 'E_UNSUPPORTED');
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(h.core.store, 'stats').mockImplementation(() => {
      throw new Error('SQLITE_IOERR at /secret/path/db.sqlite');
    });
    const msg = await expectError(h, 'db.stats', undefined, 'E_INTERNAL');
    expect(msg).toBe('Internal error');
    expect(err).toHaveBeenCalled();
  });
});

describe('channels', () => {
  it('every channel answers with a value that matches its response schema', async () => {
    h = await makeHarness({ openDialog: async () => ['/music/a.mp3'] });
    const seen = new Set<string>();
    const call = async (c: string, p: unknown) => {
      seen.add(c);
      return h?.call(c as never, p);
    };
    const info = (await call('app.info', undefined)) as {
      mode: string;
      analyzerVersion: string;
      version: string;
    };
    expect(info.mode).toBe('headless');
    expect(info.analyzerVersion).toMatch(/\d/);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);

    const a = writeWav(join(h.filesDir, 'a.wav'), { seconds: 0.2 });
    writeWav(join(h.filesDir, 'b.wav'), { seconds: 0.2, freq: 300 });
    writeWav(join(h.filesDir, 'slow-1.wav'), { seconds: 0.2, freq: 500 });
    writeWav(join(h.filesDir, 'slow-2.wav'), { seconds: 0.2, freq: 600 });
    writeFileSync(join(h.filesDir, 'readme.txt'), 'hi');
    const sub = (await call('jobs.submit', { paths: [h.filesDir, join(h.filesDir, 'missing.mp3')] })) as {
      jobs: Job[];
      rejected: { code: string }[];
    };
    expect(sub.jobs.map((j) => j.fileName)).toEqual(['a.wav', 'b.wav', 'slow-1.wav', 'slow-2.wav']);
    expect(sub.rejected.map((r) => r.code).sort()).toEqual(['E_NOT_FOUND', 'E_UNSUPPORTED_FORMAT']);
    const [ja, jb, js1, js2] = sub.jobs as [Job, Job, Job, Job];

    await h.waitForJob(ja.id, isTerminal);
    await h.waitForJob(jb.id, isTerminal);
    // slow-1 and slow-2 now occupy both slots
    await h.waitForJob(js2.id, (j) => j.status === 'processing');
    await expectError(h, 'jobs.songMap', { id: js1.id }, 'E_NOT_READY');
    expect(((await call('jobs.songMap', { id: ja.id })) as { id: string }).id).toBe(ja.id);
    expect(((await call('jobs.get', { id: ja.id })) as Job).status).toBe('completed');

    const page = (await call('jobs.list', { limit: 2, sort: 'name', order: 'asc' })) as {
      items: Job[];
      total: number;
      nextCursor: string | null;
    };
    expect(page.items.map((j) => j.fileName)).toEqual(['a.wav', 'b.wav']);
    expect(page.total).toBe(4);
    expect(page.nextCursor).not.toBeNull();
    const filtered = (await call('jobs.list', { status: ['completed'] })) as { items: Job[] };
    expect(filtered.items.map((j) => j.id).sort()).toEqual([ja.id, jb.id].sort());
    // the history's projection: same query and cursor, list rows (the harness checks them against the contract)
    const rows = (await call('jobs.rows', { limit: 2, sort: 'name', order: 'asc' })) as {
      items: Record<string, unknown>[];
      nextCursor: string | null;
    };
    expect(rows.items.map((r) => r.fileName)).toEqual(['a.wav', 'b.wav']);
    expect(rows.nextCursor).toBe(page.nextCursor);
    expect(Object.keys(rows.items[0]).sort()).toEqual(
      ['artist', 'bpm', 'camelot', 'createdAt', 'durationSec', 'errorCode', 'errorMessage', 'fileName', 'id', 'inputPath', 'key', 'status', 'title', 'updatedAt'],
    );

    await call('jobs.cancel', { ids: [js1.id, js2.id] });
    await call('jobs.retry', { ids: [js1.id] });
    await h.call('settings.set', { concurrency: 1 });
    // moveToTop needs queued jobs: queue two behind a running one
    await h.waitForJob(js1.id, (j) => j.status === 'processing');
    await call('jobs.retry', { ids: [js2.id, jb.id] });
    expect(h.core.store.nextQueued(1)[0]?.id).toBe(jb.id);
    const top = (await call('jobs.moveToTop', { id: js2.id })) as Job;
    expect(top.priority).toBeGreaterThan(0);
    expect(h.core.store.nextQueued(1)[0]?.id).toBe(js2.id);

    expect(await call('edits.get', { id: ja.id })).toBeNull();
    const edits = { bpm: 120, key: { tonic: 'A', mode: 'minor' }, chords: { '3': 'Am7' } };
    expect(await call('edits.set', { id: ja.id, edits })).toEqual(edits);
    expect(await call('edits.set', { id: ja.id, edits: null })).toBeNull();

    const stats = (await call('db.stats', undefined)) as { total: number; dataDir: string };
    expect(stats.total).toBe(4);
    const backup = (await call('db.backup', {})) as { path: string };
    expect(existsSync(backup.path)).toBe(true);

    const settings = (await call('settings.get', {})) as { theme: string };
    expect(settings.theme).toBe('system');
    expect(
      ((await call('settings.set', { theme: 'dark', retentionDays: 30 })) as { theme: string }).theme,
    ).toBe('dark');

    const preview = (await call('jobs.cleanup', { olderThanDays: 0, dryRun: true })) as {
      count: number;
      dryRun: boolean;
    };
    expect(preview.dryRun).toBe(true);
    expect(preview.count).toBeGreaterThanOrEqual(1);
    await call('jobs.cancel', { ids: [js1.id, js2.id, jb.id] });
    await h.core.runner.whenIdle();
    const before = h.eventsOf('jobs.removed').length;
    const finished = h.core.store
      .listJobs({ sort: 'created', order: 'desc', limit: 100, cursor: null })
      .items.map((j) => j.id)
      .sort();
    const done = (await call('jobs.cleanup', { olderThanDays: 0 })) as { count: number; dryRun: boolean };
    expect(done).toMatchObject({ count: 4, dryRun: false });
    expect(h.eventsOf('jobs.removed').length).toBe(before + 1);
    // the UI drops exactly the rows that went away
    expect([...(h.eventsOf('jobs.removed').at(-1)?.ids ?? [])].sort()).toEqual(finished);

    const again = (await call('jobs.submit', { paths: [a] })) as { jobs: Job[] };
    const id = (again.jobs[0] as Job).id;
    await h.waitForJob(id, isTerminal);
    expect(await call('jobs.delete', { ids: [id, 'not-there'] })).toEqual({ deleted: 1 });
    expect(h.eventsOf('jobs.removed').at(-1)).toEqual({ ids: [id] });

    expect(await call('dialog.openAudio', undefined)).toEqual({ paths: ['/music/a.mp3'] });

    // the backup taken above, listed with what it holds, then restored (the core's own tests: restore.test.ts)
    const listed = (await call('backups.list', {})) as {
      backups: { name: string; path: string; jobCount: number }[];
    };
    const entry = listed.backups.find((b) => b.path === backup.path);
    expect(entry?.jobCount).toBe(4);
    const restored = (await call('backups.restore', { name: entry?.name })) as { total: number };
    expect(restored.total).toBe(4);

    // every channel of the contract was exercised above
    expect([...seen].sort()).toEqual([...CHANNELS].sort());
    for (const u of h.eventsOf('job.updated')) channels['jobs.get'].response.parse(u);
  });

  it('delete of a running job stops its worker and removes it', async () => {
    h = await makeHarness();
    const f = writeWav(join(h.filesDir, 'slow.wav'), { seconds: 0.1 });
    const { jobs } = (await h.call('jobs.submit', { paths: [f] })) as { jobs: Job[] };
    const id = (jobs[0] as Job).id;
    await h.waitForJob(id, (j) => j.status === 'processing');
    expect(await h.call('jobs.delete', { ids: [id] })).toEqual({ deleted: 1 });
    await vi.waitFor(() => expect(h?.core.pool.size).toBe(0));
    expect(h.core.store.getJob(id)).toBeNull();
  });

  it('submitUpload adopts a file the store then owns', async () => {
    h = await makeHarness();
    const up = writeWav(join(h.filesDir, 'upload-123.tmp'), { seconds: 0.1 });
    const job = await h.core.submitUpload(up, '../evil/name.wav');
    expect(job.fileName).not.toContain('/');
    expect((await h.waitForJob(job.id, isTerminal)).status).toBe('completed');
    await expect(h.core.submitUpload(join(h.filesDir, 'nope'), 'x.wav')).rejects.toMatchObject({
      code: 'E_NOT_FOUND',
    });
  });
});

describe('start-up', () => {
  it('a concurrency given at start is stored once; a later Settings change sticks across restarts', async () => {
    h = await makeHarness({ autoStart: false, concurrency: 3 });
    const dataDir = h.dataDir;
    expect(h.core.runner.getConcurrency()).toBe(3);
    expect(await h.call('settings.get', {})).toMatchObject({ concurrency: 3 });
    expect(await h.call('settings.set', { concurrency: 1 })).toMatchObject({ concurrency: 1 });
    expect(h.core.runner.getConcurrency()).toBe(1);
    await h.dispose();
    // reload without the flag: the user's choice is what Settings shows and what runs
    h = await makeHarness({ dataDir, autoStart: false, concurrency: undefined });
    expect(await h.call('settings.get', {})).toMatchObject({ concurrency: 1 });
    expect(h.core.runner.getConcurrency()).toBe(1);
  });

  it('runs retention cleanup when retentionDays is set, and replays store notices to late listeners', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'performia-core-'));
    const store = await openJobStore({ dataDir, now: () => Date.now() - 40 * 86_400_000 });
    const [old] = store.createJobs([
      {
        inputPath: '/x/old.wav',
        fileName: 'old.wav',
        sizeBytes: 1,
        mtimeMs: 1,
        contentHash: null,
        analyzerVersion: 'v',
      },
    ]);
    store.transition((old as Job).id, 'cancelled');
    store.setSettings({ retentionDays: 30 });
    store.close();
    // garbage over the database: the store restores/recreates it and raises a notice
    const corruptDir = mkdtempSync(join(tmpdir(), 'performia-core-'));
    writeFileSync(join(corruptDir, 'performia.sqlite'), Buffer.alloc(8192, 7));

    h = await makeHarness({ dataDir, autoStart: false });
    expect(h.core.store.getJob((old as Job).id)).toBeNull();
    await h.dispose();

    h = await makeHarness({ dataDir: corruptDir, autoStart: false });
    const notices: unknown[] = [];
    h.core.events.on('app.notice', (n) => notices.push(n));
    expect(notices.length).toBeGreaterThanOrEqual(1);
    await h.dispose();
    h = null;
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(corruptDir, { recursive: true, force: true });
  });
});
