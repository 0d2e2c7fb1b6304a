/**
 * History view state: sort, filters, selection, scroll position (persisted in localStorage so they
 * survive restarts) and the loaded pages of the list query (not persisted).
 */
import { create } from 'zustand';
import { persist, createJSONStorage } from 'zustand/middleware';
import type { Job, JobRow, JobStatus, ListQuery, RowPage } from '../../../../shared/domain';
import { toJobRow } from '../../../../shared/job-row';
import { SORT_KEYS } from '../../../../shared/names';
import { call } from '../../api/client';
import { keyFilter } from './keys';
import { laterJob } from '../../stores/later';

export type SortKey = (typeof SORT_KEYS)[number];
// one screen and a bit: a bigger first page costs the server and the JSON round trip on every search
export const PAGE = 100;
// later pages are fetched while the user scrolls: bigger ones mean fewer round trips and store updates
// (each re-renders the table) during a fast scroll; 400 rows of JSON parse in about a millisecond
export const MORE_PAGE = 400;

export interface HistoryFilters {
  sort: SortKey;
  order: 'asc' | 'desc';
  statuses: JobStatus[];
  search: string;
  bpmMin: number | null;
  bpmMax: number | null;
  halfDouble: boolean;
  key: string | null;
  compatible: boolean;
}

export interface HistoryState extends HistoryFilters {
  /** persisted UI state (the scroll position is kept by the table itself, see History.tsx) */
  activeId: string | null;
  selected: Record<string, true>;
  /** loaded data */
  /** list rows (JobRow: the columns the table shows), not full jobs */
  items: JobRow[];
  total: number;
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
}

export interface HistoryActions {
  setFilters(patch: Partial<HistoryFilters>): void;
  toggleSort(key: SortKey): void;
  /** first page again; `refresh` keeps as many rows as are loaded (up to 500) so a live update never shortens the table under the user */
  reload(opts?: { refresh?: boolean }): Promise<void>;
  loadMore(): Promise<void>;
  setActive(id: string | null): void;
  toggleSelected(id: string, on?: boolean): void;
  selectRange(fromId: string, toId: string): void;
  selectAllLoaded(on: boolean): void;
  clearSelection(): void;
  /** drop rows that were deleted elsewhere, without a round trip */
  removeLocal(ids: string[]): void;
  /**
   * replace rows updated by events (full jobs, projected to list rows), if loaded, by the later write
   * (stores/later.ts); and remember them for the list answers still on the wire
   */
  patchLocal(jobs: Job[]): void;
  /** the database was replaced by a backup: nothing held or heard before applies; load from the top */
  startOver(): Promise<void>;
}

export const DEFAULT_FILTERS: HistoryFilters = {
  sort: 'created',
  order: 'desc',
  statuses: [],
  search: '',
  bpmMin: null,
  bpmMax: null,
  halfDouble: false,
  key: null,
  compatible: false,
};

export function buildQuery(f: HistoryFilters, cursor: string | null): ListQuery {
  const q: ListQuery = { limit: PAGE, cursor, sort: f.sort, order: f.order };
  if (f.statuses.length) q.status = f.statuses;
  if (f.search.trim()) q.search = f.search.trim().slice(0, 200);
  if (f.bpmMin != null && f.bpmMin > 0) q.bpmMin = f.bpmMin;
  if (f.bpmMax != null && f.bpmMax > 0) q.bpmMax = f.bpmMax;
  if ((q.bpmMin != null || q.bpmMax != null) && f.halfDouble) q.bpmHalfDouble = true;
  if (f.key) {
    const keys = keyFilter(f.key, f.compatible);
    if (keys.length) q.keys = keys;
  }
  return q;
}

// a newer query makes older in-flight answers stale: only the latest generation may write
let generation = 0;

/**
 * A list answer is read by the core when the request arrives, but it can reach us after job.updated /
 * jobs.removed events for changes made since (the runner starting the job a moment later). While list
 * requests are on the wire, what those events said is kept here and wins over the older rows of the
 * answers; a row that was not loaded yet when its event came (a file just added) is caught the same way.
 */
let inFlight = 0;
/**
 * The first page on its way for a query: a second load of the same query meanwhile (the window starts
 * the first page before React renders, then the table asks again as it mounts) waits for that answer
 * instead of asking the core twice.
 */
let pendingFirst: { key: string; done: Promise<void> } | null = null;
/** events carry full jobs; what is kept is their list row (toJobRow), merged like the rows it meets */
const changedWhileLoading = new Map<string, JobRow>();
const removedWhileLoading = new Set<string>();

async function fetchPage(query: ListQuery): Promise<RowPage> {
  inFlight++;
  try {
    const page = await call('jobs.rows', query);
    if (changedWhileLoading.size === 0 && removedWhileLoading.size === 0) return page;
    const items: JobRow[] = [];
    for (const r of page.items) {
      if (removedWhileLoading.has(r.id)) continue;
      const changed = changedWhileLoading.get(r.id);
      items.push(changed ? laterJob(r, changed) : r);
    }
    return { ...page, items, total: Math.max(0, page.total - (page.items.length - items.length)) };
  } finally {
    if (--inFlight === 0) {
      changedWhileLoading.clear();
      removedWhileLoading.clear();
    }
  }
}

export const useHistory = create<HistoryState & HistoryActions>()(
  persist(
    (set, get) => ({
      ...DEFAULT_FILTERS,
      activeId: null,
      selected: {},
      items: [],
      total: 0,
      nextCursor: null,
      loading: false,
      error: null,

      setFilters(patch) {
        set({ ...patch });
        void get().reload();
      },
      toggleSort(key) {
        const s = get();
        // a new column starts in its natural order: text A→Z, numbers and dates high→low
        const order =
          s.sort === key
            ? s.order === 'asc'
              ? 'desc'
              : 'asc'
            : key === 'name' || key === 'title' || key === 'artist' || key === 'key' || key === 'status'
              ? 'asc'
              : 'desc';
        get().setFilters({ sort: key, order });
      },
      async reload(opts) {
        const limit = opts?.refresh ? Math.min(500, Math.max(PAGE, get().items.length)) : PAGE;
        const query = { ...buildQuery(get(), null), limit };
        const key = JSON.stringify(query);
        // a refresh always asks (something changed since); a plain load joins the same one on its way
        if (!opts?.refresh && pendingFirst?.key === key) return pendingFirst.done;
        const gen = ++generation;
        const t0 = performance.now();
        set({ loading: true, error: null });
        const done = (async () => {
          try {
            const page = await fetchPage(query);
            if (gen !== generation) return;
            set({ items: page.items, total: page.total, nextCursor: page.nextCursor, loading: false });
            // query round trip + store update, for the UI benchmark (Performance API)
            performance.measure('history:reload', { start: t0, end: performance.now() });
          } catch (e) {
            if (gen !== generation) return;
            set({
              loading: false,
              error: e instanceof Error ? e.message : 'The history could not be loaded.',
            });
          }
        })();
        pendingFirst = { key, done };
        try {
          await done;
        } finally {
          if (pendingFirst?.done === done) pendingFirst = null;
        }
      },
      async loadMore() {
        const s = get();
        if (s.loading || !s.nextCursor) return;
        const gen = generation;
        set({ loading: true });
        try {
          const page = await fetchPage({ ...buildQuery(s, s.nextCursor), limit: MORE_PAGE });
          if (gen !== generation) return;
          const seen = new Set(get().items.map((j) => j.id));
          set({
            items: [...get().items, ...page.items.filter((j) => !seen.has(j.id))],
            total: page.total,
            nextCursor: page.nextCursor,
            loading: false,
          });
        } catch (e) {
          if (gen !== generation) return;
          set({
            loading: false,
            error: e instanceof Error ? e.message : 'More history could not be loaded.',
          });
        }
      },
      setActive: (id) => set({ activeId: id }),
      toggleSelected(id, on) {
        const selected = { ...get().selected };
        const want = on ?? !selected[id];
        if (want) selected[id] = true;
        else delete selected[id];
        set({ selected });
      },
      selectRange(fromId, toId) {
        const items = get().items;
        const a = items.findIndex((j) => j.id === fromId);
        const b = items.findIndex((j) => j.id === toId);
        if (a < 0 || b < 0) return;
        const selected = { ...get().selected };
        for (let i = Math.min(a, b); i <= Math.max(a, b); i++) selected[items[i].id] = true;
        set({ selected });
      },
      selectAllLoaded(on) {
        set({ selected: on ? Object.fromEntries(get().items.map((j) => [j.id, true as const])) : {} });
      },
      clearSelection: () => set({ selected: {} }),
      removeLocal(ids) {
        if (inFlight > 0) for (const id of ids) removedWhileLoading.add(id);
        const gone = new Set(ids);
        const selected = { ...get().selected };
        for (const id of ids) delete selected[id];
        const before = get().items.length;
        const items = get().items.filter((j) => !gone.has(j.id));
        set({ items, selected, total: Math.max(0, get().total - (before - items.length)) });
      },
      async startOver() {
        changedWhileLoading.clear();
        removedWhileLoading.clear();
        set({ selected: {}, activeId: null });
        await get().reload();
      },
      patchLocal(jobs) {
        const rows = jobs.map(toJobRow);
        if (inFlight > 0)
          for (const r of rows) {
            const seen = changedWhileLoading.get(r.id);
            changedWhileLoading.set(r.id, seen ? laterJob(seen, r) : r);
          }
        const byId = new Map(rows.map((r) => [r.id, r]));
        if (!get().items.some((r) => byId.has(r.id))) return;
        set({
          items: get().items.map((r) => {
            const next = byId.get(r.id);
            return next ? laterJob(r, next) : r;
          }),
        });
      },
    }),
    {
      name: 'performia.history.v1',
      storage: createJSONStorage(() => localStorage),
      partialize: (s) => ({
        sort: s.sort,
        order: s.order,
        statuses: s.statuses,
        search: s.search,
        bpmMin: s.bpmMin,
        bpmMax: s.bpmMax,
        halfDouble: s.halfDouble,
        key: s.key,
        compatible: s.compatible,
        activeId: s.activeId,
      }),
    },
  ),
);
