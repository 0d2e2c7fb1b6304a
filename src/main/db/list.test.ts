import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobRowSchema, ListQuerySchema, SORT_KEYS, toJobRow, type AppError, type Job, type ListQuery } from '../../shared';
import { firstPageSql, listJobs } from './list';
import type { JobStoreExt } from './store';
import { completeWith, freshStore, input } from './test-helpers';

let store: JobStoreExt;
beforeEach(async () => {
  ({ store } = await freshStore());
});
afterEach(() => store.close());

const q = (query: ListQuery) => ListQuerySchema.parse(query);

/** walks every page; returns ids in order */
function walk(query: ListQuery): { ids: string[]; pages: number; totals: Set<number> } {
  const ids: string[] = [];
  const totals = new Set<number>();
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = store.listJobs(q({ ...query, cursor }));
    ids.push(...page.items.map((j) => j.id));
    totals.add(page.total);
    cursor = page.nextCursor;
    pages++;
    if (pages > 1000) throw new Error('pagination does not terminate');
  } while (cursor);
  return { ids, pages, totals };
}

/** 60 jobs: names and BPMs repeat (non-unique sort columns), a third never completes (NULL summary) */
function seed(): Job[] {
  const names = ['b.mp3', 'a.mp3', 'C.mp3', 'a.mp3'];
  const jobs = store.createJobs(Array.from({ length: 60 }, (_, i) => input(names[i % 4])));
  jobs.forEach((j, i) => {
    if (i % 3 === 2) return;
    completeWith(store, j.id, {
      bpm: [90, 120, 120, 174][i % 4],
      key: ['Am', 'C', 'F#m'][i % 3],
      durationSec: (i % 5) * 10,
      title: i % 2 ? `Song ${i % 7}` : null,
      artist: i % 4 ? `Artist ${i % 3}` : null,
    });
  });
  return store.getJobs(jobs.map((j) => j.id));
}

type Val = string | number | null;
function expectedOrder(jobs: Job[], key: (j: Job) => Val, order: 'asc' | 'desc'): string[] {
  const cmp = (a: Val, b: Val): number => {
    if (a === b) return 0;
    if (a === null) return -1; // SQLite: NULL sorts lowest
    if (b === null) return 1;
    if (typeof a === 'string' && typeof b === 'string') {
      const la = a.toLowerCase();
      const lb = b.toLowerCase();
      return la < lb ? -1 : la > lb ? 1 : 0;
    }
    return (a as number) - (b as number);
  };
  const sorted = [...jobs].sort((x, y) => cmp(key(x), key(y)) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
  const ids = sorted.map((j) => j.id);
  return order === 'asc' ? ids : ids.reverse();
}

const KEY_OF: Record<(typeof SORT_KEYS)[number], (j: Job) => Val> = {
  created: (j) => j.id,
  name: (j) => j.fileName,
  status: (j) => j.status,
  duration: (j) => j.summary?.durationSec ?? null,
  bpm: (j) => j.summary?.bpm ?? null,
  key: (j) => j.summary?.key ?? null,
  title: (j) => j.summary?.title ?? null,
  artist: (j) => j.summary?.artist ?? null,
};

describe('listJobs keyset pagination', () => {
  it('every sort key, both orders, pages of 7: no duplicates, no gaps, correct order', () => {
    const jobs = seed();
    for (const sort of SORT_KEYS) {
      for (const order of ['asc', 'desc'] as const) {
        const { ids, totals } = walk({ sort, order, limit: 7 });
        expect(new Set(ids).size, `${sort} ${order}`).toBe(ids.length);
        expect(ids, `${sort} ${order}`).toEqual(expectedOrder(jobs, KEY_OF[sort], order));
        expect([...totals]).toEqual([60]);
      }
    }
  });

  it('default query: newest first, page of 100, nextCursor null on the last page', () => {
    const jobs = store.createJobs(Array.from({ length: 5 }, (_, i) => input(`${i}.mp3`)));
    const page = store.listJobs(q({}));
    expect(page.items.map((j) => j.id)).toEqual(jobs.map((j) => j.id).reverse());
    expect(page.nextCursor).toBeNull();
    expect(page.total).toBe(5);
  });

  it('a page boundary exactly at the end gives no empty extra page', () => {
    store.createJobs(Array.from({ length: 10 }, (_, i) => input(`${i}.mp3`)));
    const first = store.listJobs(q({ limit: 5 }));
    const second = store.listJobs(q({ limit: 5, cursor: first.nextCursor }));
    expect(second.items).toHaveLength(5);
    expect(second.nextCursor).toBeNull();
  });

  it('rejects a malformed cursor or one from another sort', () => {
    store.createJobs(Array.from({ length: 3 }, (_, i) => input(`${i}.mp3`)));
    const page = store.listJobs(q({ limit: 1, sort: 'bpm' }));
    const code = (query: ListQuery) => {
      try {
        store.listJobs(q(query));
      } catch (e) {
        return (e as AppError).code;
      }
      return 'none';
    };
    expect(code({ cursor: 'not-a-cursor' })).toBe('E_INVALID_REQUEST');
    expect(code({ cursor: page.nextCursor, sort: 'name' })).toBe('E_INVALID_REQUEST');
    expect(code({ cursor: page.nextCursor, sort: 'bpm', order: 'asc' })).toBe('E_INVALID_REQUEST');
  });
});

describe('listJobs filters', () => {
  it('status filter (one and several) with totals', () => {
    const jobs = seed();
    const completed = jobs.filter((j) => j.status === 'completed').map((j) => j.id);
    const r = walk({ status: ['completed'], limit: 9 });
    expect(r.ids).toEqual([...completed].reverse());
    expect([...r.totals]).toEqual([completed.length]);
    const both = walk({ status: ['completed', 'queued'], limit: 9, sort: 'bpm' });
    expect(both.ids).toHaveLength(60);
    store.transition(jobs[2].id, 'cancelled');
    const merged = walk({ status: ['cancelled', 'completed'], limit: 4 });
    expect(merged.ids).toEqual([...completed, jobs[2].id].sort().reverse());
    expect(walk({ status: ['cancelled', 'completed'], limit: 4, order: 'asc' }).ids).toEqual(
      [...completed, jobs[2].id].sort(),
    );
    expect([...merged.totals]).toEqual([completed.length + 1]);
    expect([...walk({ status: ['failed'] }).totals]).toEqual([0]);
  });

  it('search matches name, title and artist, case-insensitively, and escapes % and _', () => {
    const [a, b, c, d] = store.createJobs([
      input('100% pure.mp3'),
      input('100 pure.mp3'),
      input('under_score.mp3'),
      input('underXscore.mp3'),
    ]);
    completeWith(store, d.id, { title: 'Weird Title', artist: 'Some Artist' });
    const ids = (search: string) => walk({ search }).ids.sort();
    // one and two characters: below a trigram, LIKE with escaping
    expect(ids('%')).toEqual([a.id]);
    expect(ids('_')).toEqual([c.id]);
    expect(ids('0%')).toEqual([a.id]);
    expect(ids('r_')).toEqual([c.id]);
    expect(ids('Un')).toEqual([c.id, d.id].sort());
    // three and more: the trigram index, where % and _ are plain characters too
    expect(ids('100%')).toEqual([a.id]);
    expect(ids('under_')).toEqual([c.id]);
    expect(ids('UNDER')).toEqual([c.id, d.id].sort());
    expect(ids('weird')).toEqual([d.id]);
    expect(ids('some art')).toEqual([d.id]);
    expect(ids('\\')).toEqual([]);
    expect(ids('"quoted"')).toEqual([]);
    expect(ids('  ')).toHaveLength(4); // blank search = no filter
    expect(store.listJobs(q({ search: '100' })).total).toBe(2);
    expect(b.id).toBeTruthy();
  });

  it('search gives the same pages whether the matches drive (few) or filter an index walk (many)', () => {
    seed();
    for (const [search, sort] of [
      ['a.mp3', 'created'],
      ['artist', 'bpm'],
      ['song', 'title'],
      ['Artist 1', 'name'],
    ] as const) {
      const pages = (sparseMatches: number) => {
        const out: string[] = [];
        let cursor: string | null = null;
        let total = -1;
        do {
          const page = listJobs(store.db, q({ search, sort, limit: 6, cursor }), { sparseMatches });
          out.push(...page.items.map((j) => j.id));
          total = page.total;
          cursor = page.nextCursor;
        } while (cursor);
        return { out, total };
      };
      const dense = pages(0);
      const sparse = pages(1_000_000);
      expect(dense.out.length, search).toBeGreaterThan(0);
      expect(sparse).toEqual(dense);
      expect(dense.total).toBe(dense.out.length);
      const withStatus = listJobs(store.db, q({ search, sort, status: ['completed'] }));
      expect(withStatus.total).toBe(withStatus.items.length);
      expect(withStatus.items.every((j) => j.status === 'completed')).toBe(true);
    }
  });

  it('search follows results: a title set by completeJob is found, and forgotten on re-queue', () => {
    const [j] = store.createJobs([input('file.mp3')]);
    expect(walk({ search: 'Moonlight' }).ids).toEqual([]);
    completeWith(store, j.id, { title: 'Moonlight Sonata', artist: 'Ludwig' });
    expect(walk({ search: 'moonlight' }).ids).toEqual([j.id]);
    expect(walk({ search: 'ludw' }).ids).toEqual([j.id]);
    store.transition(j.id, 'queued');
    expect(walk({ search: 'moonlight' }).ids).toEqual([]);
    expect(walk({ search: 'file' }).ids).toEqual([j.id]);
    store.deleteJobs([j.id]);
    expect(walk({ search: 'file' }).ids).toEqual([]);
  });

  it('BPM range, with half/double matching, and key filter', () => {
    const [slow, mid, fast, none] = store.createJobs([input('s'), input('m'), input('f'), input('n')]);
    completeWith(store, slow.id, { bpm: 70, key: 'Am' });
    completeWith(store, mid.id, { bpm: 128, key: 'C' });
    completeWith(store, fast.id, { bpm: 280, key: 'Am' });
    const ids = (query: ListQuery) => walk(query).ids.sort();
    expect(ids({ bpmMin: 120, bpmMax: 145 })).toEqual([mid.id]);
    expect(ids({ bpmMin: 135, bpmMax: 145, bpmHalfDouble: true })).toEqual([fast.id, slow.id].sort());
    expect(ids({ bpmMin: 100 })).toEqual([mid.id, fast.id].sort());
    expect(ids({ keys: ['Am'] })).toEqual([slow.id, fast.id].sort());
    expect(ids({ keys: ['Am'], bpmMax: 100 })).toEqual([slow.id]);
    expect(store.listJobs(q({ keys: ['C', 'Am'] })).total).toBe(3);
    expect(ids({})).toContain(none.id);
  });

  it('filters combine with keyset pagination on a nullable sort', () => {
    seed();
    const all = walk({ sort: 'title', order: 'desc', limit: 4 });
    const filtered = walk({ sort: 'title', order: 'desc', limit: 4, status: ['completed'], bpmMin: 100 });
    const expected = all.ids.filter((id) => {
      const j = store.getJob(id)!;
      return j.status === 'completed' && (j.summary?.bpm ?? 0) >= 100;
    });
    expect(filtered.ids).toEqual(expected);
    expect([...filtered.totals]).toEqual([expected.length]);
  });
});

describe('query plans', () => {
  it('search with few matches is driven by the trigram index, not a scan of jobs', () => {
    seed();
    const { sql, params } = firstPageSql(q({ search: 'song' }), true);
    const p = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>)
      .map((r) => r.detail)
      .join('\n');
    expect(p.split('\n')[0]).toMatch(/SCAN jobs_fts VIRTUAL TABLE/);
    expect(p).toMatch(/SEARCH j USING INTEGER PRIMARY KEY/);
  });

  const plan = (query: ListQuery): string => {
    const { sql, params } = firstPageSql(q(query));
    const rows = store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as Array<{ detail: string }>;
    return rows.map((r) => r.detail).join('\n');
  };

  it.each<[string, ListQuery, RegExp]>([
    ['default sort', {}, /jobs_|PRIMARY KEY|sqlite_autoindex_jobs/],
    ['status filter', { status: ['completed'] }, /jobs_status_id/],
    ['several statuses (merged per status)', { status: ['completed', 'failed'] }, /jobs_status_id/],
    ['name sort + status', { sort: 'name', status: ['completed'] }, /jobs_name_id/],
    ['bpm sort', { sort: 'bpm' }, /jobs_bpm/],
    ['bpm sort asc', { sort: 'bpm', order: 'asc' }, /jobs_bpm/],
    ['name sort', { sort: 'name' }, /jobs_name_id/],
    ['status sort', { sort: 'status', order: 'asc' }, /jobs_status_id/],
    ['artist sort', { sort: 'artist' }, /jobs_artist/],
    ['title sort + status', { sort: 'title', status: ['completed'] }, /jobs_title/],
    ['search with many matches', { search: 'song' }, /sqlite_autoindex_jobs_1[\s\S]*jobs_fts VIRTUAL TABLE/],
  ])(
    '%s walks an index: no full scan, no temp b-tree (with and without ANALYZE stats)',
    (_name, query, index) => {
      seed();
      for (const analyzed of [false, true]) {
        if (analyzed) store.db.exec('ANALYZE'); // PRAGMA optimize at close gathers stats over time
        const p = plan(query);
        expect(p).toMatch(index);
        expect(p).not.toMatch(/USE TEMP B-TREE/);
        expect(p).not.toMatch(/^SCAN (j|r)$/m);
      }
    },
  );
});

describe('list rows (the history projection)', () => {
  it('every sort and filter gives the same rows, order, cursors and totals as the full list, projected', () => {
    const jobs = seed();
    // a failed and a re-queued job too: error columns set, summary cleared
    store.transition(jobs[2].id, 'failed', { errorCode: 'E_TIMEOUT', errorMessage: 'took too long' });
    store.transition(jobs[0].id, 'queued');
    const queries: ListQuery[] = [
      ...SORT_KEYS.flatMap((sort) => (['asc', 'desc'] as const).map((order) => ({ sort, order, limit: 7 }))),
      { status: ['completed', 'failed'], limit: 9 },
      { search: 'Song', limit: 4 },
      { search: 'a.', limit: 5 },
      { bpmMin: 100, bpmMax: 130, limit: 3, sort: 'bpm' },
      { keys: ['Am'], limit: 6 },
    ];
    for (const query of queries) {
      let cursor: string | null = null;
      let pages = 0;
      do {
        const full = store.listJobs(q({ ...query, cursor }));
        const rows = store.listRows(q({ ...query, cursor }));
        expect(rows.items).toEqual(full.items.map(toJobRow));
        expect(rows.nextCursor).toBe(full.nextCursor);
        expect(rows.total).toBe(full.total);
        for (const r of rows.items) expect(JobRowSchema.parse(r)).toEqual(r);
        cursor = rows.nextCursor;
        pages++;
      } while (cursor && pages < 100);
    }
  });

  it('getRow reads one list row equal to the projected full job; null for an unknown id', () => {
    const jobs = seed();
    store.transition(jobs[2].id, 'failed', { errorCode: 'E_TIMEOUT', errorMessage: 'took too long' });
    for (const j of store.getJobs(jobs.map((x) => x.id))) expect(store.getRow(j.id)).toEqual(toJobRow(j));
    expect(store.getRow('nope')).toBeNull();
  });

  it('a page and its total are read in one read transaction, which ends with the call', () => {
    seed();
    const page = store.listRows(q({ limit: 5, status: ['completed'] }));
    expect(page.items).toHaveLength(5);
    expect(store.db.inTransaction).toBe(false);
    // inside a batch the read joins the open write transaction instead of ending it
    store.batch?.(() => {
      store.listRows(q({ limit: 5 }));
      expect(store.db.inTransaction).toBe(true);
    });
  });
});
