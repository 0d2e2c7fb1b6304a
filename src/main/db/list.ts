/**
 * The job list: keyset pagination over every sort key, filters and a total.
 *
 * Each sort walks one index in order (jobs_*, tie-broken by id), so a page costs
 * O(page) whatever the offset. Nullable summary columns are split into two segments (NULLs first
 * ascending, last descending) because a row-value comparison never matches NULL; each segment is
 * its own index range. The cursor is opaque base64url JSON: sort, order, last value, last id.
 */
import { AppError, type JobStatus, type ListQueryParsed } from '../../shared';
import { JOB_PROJECTION, type JobField, type JobTuple, type Projection } from './rows';
import { placeholders, prepareRaw, readTransaction, type Db } from './sql';

type SortKey = ListQueryParsed['sort'];
type Order = ListQueryParsed['order'];

interface SortSpec {
  /** column as written in SQL (and its position in a JobTuple) */
  col: JobField;
  nullable: boolean;
}

// every sort column has its own (column, id) index on jobs
const SORTS: Record<SortKey, SortSpec> = {
  created: { col: 'j.id', nullable: false },
  name: { col: 'j.file_name', nullable: false },
  status: { col: 'j.status', nullable: false },
  duration: { col: 'j.duration_sec', nullable: true },
  bpm: { col: 'j.bpm', nullable: true },
  key: { col: 'j.key_name', nullable: true },
  title: { col: 'j.title', nullable: true },
  artist: { col: 'j.artist', nullable: true },
};

interface Cursor {
  s: SortKey;
  o: Order;
  v: string | number | null;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

export function decodeCursor(raw: string, sort: SortKey, order: Order): Cursor {
  const bad = () =>
    new AppError('E_INVALID_REQUEST', 'The list cursor is invalid or belongs to another sort');
  let c: unknown;
  try {
    c = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const o = c as Partial<Cursor> | null;
  if (
    !o ||
    typeof o !== 'object' ||
    o.s !== sort ||
    o.o !== order ||
    typeof o.id !== 'string' ||
    !(o.v === null || typeof o.v === 'string' || typeof o.v === 'number')
  ) {
    throw bad();
  }
  if (!SORTS[sort].nullable && o.v === null) throw bad();
  return { s: o.s, o: o.o, v: o.v, id: o.id };
}

const TRIGRAM = 3;
/**
 * Above this many matches the search runs as a filter while walking the sort index (matches are
 * dense, a page fills fast); at or below it the matches drive and are sorted (a rare term would
 * otherwise walk the whole index looking for them).
 */
export const SPARSE_MATCHES = 2_000;

/** an FTS5 phrase: the text literally, as a substring under the trigram tokenizer */
export function ftsPhrase(text: string): string {
  return `"${text.replace(/"/g, '""')}"`;
}

const FTS_IDS = 'SELECT rowid FROM jobs_fts WHERE jobs_fts MATCH ?';

/** LIKE pattern matching `text` literally anywhere: %, _ and the escape char itself are escaped */
export function likeContains(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

interface Filter {
  /** conditions other than status and full-text search */
  sql: string[];
  params: unknown[];
  /** FTS5 query for the search text, when it is long enough for the trigram index */
  fts: string | null;
  statuses: JobStatus[] | null;
  /** true when only the status filter (or nothing) is set: total comes from job_counts */
  countable: boolean;
}

function buildFilter(q: ListQueryParsed): Filter {
  const sql: string[] = [];
  const params: unknown[] = [];
  let countable = true;
  const statuses = q.status && q.status.length > 0 ? [...new Set(q.status)] : null;
  const search = q.search?.trim();
  let fts: string | null = null;
  if (search && [...search].length >= TRIGRAM) {
    fts = ftsPhrase(search);
    countable = false;
  } else if (search) {
    // shorter than a trigram: the index cannot answer, scan with LIKE
    const p = likeContains(search);
    sql.push("(j.file_name LIKE ? ESCAPE '\\' OR j.title LIKE ? ESCAPE '\\' OR j.artist LIKE ? ESCAPE '\\')");
    params.push(p, p, p);
    countable = false;
  }
  if (q.bpmMin !== undefined || q.bpmMax !== undefined) {
    const min = q.bpmMin ?? 0;
    const max = q.bpmMax ?? Number.MAX_VALUE;
    if (q.bpmHalfDouble) {
      sql.push('(j.bpm BETWEEN ? AND ? OR j.bpm BETWEEN ? AND ? OR j.bpm BETWEEN ? AND ?)');
      params.push(min, max, min / 2, max / 2, min * 2, max * 2);
    } else {
      sql.push('j.bpm BETWEEN ? AND ?');
      params.push(min, max);
    }
    countable = false;
  }
  if (q.keys && q.keys.length > 0) {
    sql.push(`j.key_name IN (${placeholders(q.keys.length)})`);
    params.push(...q.keys);
    countable = false;
  }
  return { sql, params, fts, statuses, countable };
}

/**
 * The status condition for one query. Sorting by status or creation uses jobs_status_id (status, id);
 * for every other sort the index is disabled with unary + so the planner keeps walking the sort
 * index instead of collecting every match and sorting it in a temp b-tree.
 */
function statusClause(statuses: JobStatus[], sort: SortKey): { sql: string; params: unknown[] } {
  const col = sort === 'created' || sort === 'status' ? 'j.status' : '+j.status';
  return statuses.length === 1
    ? { sql: `${col} = ?`, params: statuses }
    : { sql: `${col} IN (${placeholders(statuses.length)})`, params: statuses };
}

type Segment = 'values' | 'nulls';

function segmentsFor(spec: SortSpec, order: Order): Segment[] {
  if (!spec.nullable) return ['values'];
  // SQLite orders NULL lowest: first when ascending, last when descending
  return order === 'asc' ? ['nulls', 'values'] : ['values', 'nulls'];
}

function fetchSegment(
  db: Db,
  sortKey: SortKey,
  spec: SortSpec,
  order: Order,
  segment: Segment,
  after: Cursor | null,
  filter: Filter,
  limit: number,
  sparse = false,
  columns: string = JOB_PROJECTION.columns,
): JobTuple[] {
  const tie = 'j.id';
  const dir = order === 'asc' ? 'ASC' : 'DESC';
  const cmp = order === 'asc' ? '>' : '<';
  const where = [...filter.sql];
  const params = [...filter.params];
  if (filter.statuses) {
    const st = statusClause(filter.statuses, sortKey);
    where.push(st.sql);
    params.push(...st.params);
  }
  if (filter.fts !== null && sparse) {
    // few matches: they drive the loop (jobs_fts first) and only they are sorted
    where.push('jobs_fts MATCH ?');
    params.push(filter.fts);
  } else if (filter.fts !== null) {
    // many matches: walk the sort index, the match set is a membership test (bloom filter + list);
    // unary + stops the planner from looking jobs up by that list and sorting them all instead
    where.push(`+j.seq IN (${FTS_IDS})`);
    params.push(filter.fts);
  }
  let orderBy: string;
  if (segment === 'nulls') {
    where.push(`${spec.col} IS NULL`);
    if (after) {
      where.push(`${tie} ${cmp} ?`);
      params.push(after.id);
    }
    orderBy = `${tie} ${dir}`;
  } else {
    if (spec.nullable) where.push(`${spec.col} IS NOT NULL`);
    if (after && spec.col === tie) {
      where.push(`${tie} ${cmp} ?`);
      params.push(after.id);
    } else if (after) {
      where.push(`(${spec.col}, ${tie}) ${cmp} (?, ?)`);
      params.push(after.v, after.id);
    }
    orderBy = spec.col === tie ? `${tie} ${dir}` : `${spec.col} ${dir}, ${tie} ${dir}`;
  }
  const from = sparse
    ? 'jobs_fts CROSS JOIN jobs j ON j.seq = jobs_fts.rowid'
    : 'jobs j';
  const sql = `SELECT ${columns} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBy} LIMIT ?`;
  return prepareRaw(db, sql).all(...params, limit) as JobTuple[];
}

/**
 * Newest-first with several statuses: IN over (status, id) would need a temp b-tree to interleave
 * the statuses, so each status is its own ordered index range and the short lists are merged here.
 */
function fetchRows(
  db: Db,
  sortKey: SortKey,
  spec: SortSpec,
  order: Order,
  segment: Segment,
  after: Cursor | null,
  filter: Filter,
  limit: number,
  sparse: boolean,
  columns: string = JOB_PROJECTION.columns,
): JobTuple[] {
  if (sparse || sortKey !== 'created' || !filter.statuses || filter.statuses.length < 2) {
    return fetchSegment(db, sortKey, spec, order, segment, after, filter, limit, sparse, columns);
  }
  const merged: JobTuple[] = [];
  for (const status of filter.statuses) {
    merged.push(
      ...fetchSegment(
        db,
        sortKey,
        spec,
        order,
        segment,
        after,
        { ...filter, statuses: [status] },
        limit,
        false,
        columns,
      ),
    );
  }
  merged.sort((a, b) =>
    (a[0] as string) < (b[0] as string) ? -1 : (a[0] as string) > (b[0] as string) ? 1 : 0,
  );
  if (order === 'desc') merged.reverse();
  return merged.slice(0, limit);
}

/** SQL of the first page for a query: used by the EXPLAIN QUERY PLAN tests */
export function firstPageSql(q: ListQueryParsed, sparse = false): { sql: string; params: unknown[] } {
  const spec = SORTS[q.sort];
  const filter = buildFilter(q);
  const seg = segmentsFor(spec, q.order)[0];
  let captured: { sql: string; params: unknown[] } | null = null;
  const fakeDb = {
    prepare: (sql: string) => ({
      raw: () => ({ all: (...params: unknown[]) => ((captured ??= { sql, params }), []) }),
    }),
  } as unknown as Db;
  fetchRows(fakeDb, q.sort, spec, q.order, seg, null, filter, q.limit + 1, sparse);
  return captured ?? { sql: '', params: [] };
}

function countTotal(db: Db, filter: Filter, ftsMatches: number | null): number {
  const statuses = filter.statuses;
  // every job has exactly one row in jobs_fts, so with search as the only filter its count is the total
  if (ftsMatches !== null && statuses === null && filter.sql.length === 0) return ftsMatches;
  if (filter.countable) {
    const rows = prepareRaw<[]>(db, 'SELECT status, n FROM job_counts').all();
    let sum = 0;
    for (const r of rows) if (statuses === null || statuses.includes(r[0] as JobStatus)) sum += r[1] as number;
    return sum;
  }
  const where = [...filter.sql];
  const params = [...filter.params];
  if (statuses) {
    where.push(`j.status IN (${placeholders(statuses.length)})`);
    params.push(...statuses);
  }
  if (filter.fts !== null) {
    where.push(`j.seq IN (${FTS_IDS})`);
    params.push(filter.fts);
  }
  const sql = `SELECT count(*) FROM jobs j WHERE ${where.join(' AND ')}`;
  return (prepareRaw(db, sql).get(...params) as [number] | undefined)?.[0] ?? 0;
}

export interface ListOptions {
  /** match count at or below which search results drive the query (tests force both plans) */
  sparseMatches?: number;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
  total: number;
}

/**
 * One page of `projection`'s rows and the total, in ONE read transaction: in WAL mode every
 * statement outside a transaction takes and drops a read lock on the -shm file (two fcntl calls,
 * measured ~5 µs on the bench machine), so the page, the match count and the total share one.
 */
export function listPage<T>(db: Db, q: ListQueryParsed, projection: Projection<T>, options: ListOptions = {}): Page<T> {
  return readTransaction(db, () => listPageIn(db, q, projection, options));
}

/** full jobs (the queue, the REST API) */
export const listJobs = (db: Db, q: ListQueryParsed, options: ListOptions = {}) =>
  listPage(db, q, JOB_PROJECTION, options);

function listPageIn<T>(db: Db, q: ListQueryParsed, projection: Projection<T>, options: ListOptions): Page<T> {
  const spec = SORTS[q.sort];
  const filter = buildFilter(q);
  const cursor = q.cursor ? decodeCursor(q.cursor, q.sort, q.order) : null;
  const segments = segmentsFor(spec, q.order);
  // resume in the cursor's segment; later segments start from their beginning
  const start = cursor && spec.nullable ? segments.indexOf(cursor.v === null ? 'nulls' : 'values') : 0;
  const ftsMatches =
    filter.fts === null
      ? null
      : ((prepareRaw<[string]>(db, 'SELECT count(*) FROM jobs_fts WHERE jobs_fts MATCH ?').get(filter.fts) as
          | [number]
          | undefined)?.[0] ?? 0);
  const sparse = ftsMatches !== null && ftsMatches <= (options.sparseMatches ?? SPARSE_MATCHES);
  const want = q.limit + 1; // one extra row tells whether another page exists
  let rows: JobTuple[] = [];
  for (let i = start; i < segments.length && rows.length < want; i++) {
    const got = fetchRows(
      db,
      q.sort,
      spec,
      q.order,
      segments[i],
      i === start ? cursor : null,
      filter,
      want - rows.length,
      sparse,
      projection.columns,
    );
    rows = rows.length === 0 ? got : rows.concat(got);
  }
  const hasMore = rows.length > q.limit;
  const n = hasMore ? q.limit : rows.length;
  const last = rows[n - 1];
  const nextCursor =
    hasMore && last
      ? encodeCursor({
          s: q.sort,
          o: q.order,
          v: (last[projection.index(spec.col)] as string | number | null) ?? null,
          id: last[0] as string,
        })
      : null;
  const items: T[] = new Array<T>(n);
  for (let i = 0; i < n; i++) items[i] = projection.map(rows[i]);
  return { items, nextCursor, total: countTotal(db, filter, ftsMatches) };
}
