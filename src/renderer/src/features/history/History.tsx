/**
 * The history: a virtualised table (only the visible rows are in the DOM, so 100,000 jobs scroll like
 * 100), loaded page by page with the store's keyset cursor as the user nears the end.
 */
import { memo, useCallback, useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useHistory, type SortKey } from './historyStore';
import { HistoryFiltersBar } from './HistoryFilters';
import { useApp } from '../../stores/app';
import { useJobs } from '../../stores/jobs';
import type { JobRow } from '../../../../shared/domain';
import { formatDate, formatDuration, plainError } from '../../ui/format';
import { deleteJobs } from '../queue/actions';

export const ROW_HEIGHT = 34;
/** ask for the next page this many rows before the end (below PAGE, so the first page alone fetches nothing more) */
const PREFETCH_ROWS = 60;
// a wheel notch moves ~3 rows: 6 either side hides the row swap; more only adds layout per frame
const OVERSCAN = 6;

const COLUMNS: { key: SortKey; label: string; cls: string }[] = [
  { key: 'name', label: 'File', cls: 'c-name' },
  { key: 'title', label: 'Title', cls: 'c-title' },
  { key: 'artist', label: 'Artist', cls: 'c-artist' },
  { key: 'duration', label: 'Length', cls: 'c-num' },
  { key: 'bpm', label: 'BPM', cls: 'c-num' },
  { key: 'key', label: 'Key', cls: 'c-key' },
  { key: 'status', label: 'Status', cls: 'c-status' },
  { key: 'created', label: 'Added', cls: 'c-date' },
];

/** the text of one row's cells, worked out once per row object (a refreshed row is a new object) */
interface RowText {
  title: string;
  artist: string;
  duration: string;
  bpm: string;
  key: string;
  camelot: string;
  date: string;
  statusTitle: string | undefined;
}
const rowTextCache = new WeakMap<JobRow, RowText>();
export function rowText(job: JobRow): RowText {
  const hit = rowTextCache.get(job);
  if (hit) return hit;
  const text: RowText = {
    title: job.title ?? '',
    artist: job.artist ?? '',
    duration: job.durationSec != null ? formatDuration(job.durationSec) : '',
    bpm: job.bpm != null ? job.bpm.toFixed(1) : '',
    key: job.key ?? '',
    camelot: job.camelot ?? '',
    date: formatDate(job.createdAt),
    statusTitle:
      job.status === 'failed' ? `${plainError(job.errorCode, job.errorMessage)} (${job.errorCode})` : undefined,
  };
  rowTextCache.set(job, text);
  return text;
}

/** module-level, so every row shares one handler and the memo below sees stable props */
function toggleRow(id: string, on: boolean): void {
  useHistory.getState().toggleSelected(id, on);
}
function stop(e: React.MouseEvent): void {
  e.stopPropagation();
}

const Row = memo(function Row({
  job,
  index,
  active,
  selected,
  onPick,
}: {
  job: JobRow;
  index: number;
  active: boolean;
  selected: boolean;
  onPick: (e: React.MouseEvent | React.KeyboardEvent, job: JobRow, index: number) => void;
}): React.JSX.Element {
  const t = rowText(job);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-testid="history-row"
      data-job-id={job.id}
      data-status={job.status}
      className={`h-row${active ? ' active' : ''}${selected ? ' selected' : ''}`}
      onClick={(e) => onPick(e, job, index)}
      onDoubleClick={() => job.status === 'completed' && useApp.getState().openSong(job.id)}
    >
      <div role="gridcell" className="c-sel">
        <input
          type="checkbox"
          checked={selected}
          aria-label={`Select ${job.fileName}`}
          tabIndex={-1}
          onClick={stop}
          onChange={(e) => toggleRow(job.id, e.currentTarget.checked)}
        />
      </div>
      <div role="gridcell" className="c-name" title={job.inputPath}>
        {job.fileName}
      </div>
      <div role="gridcell" className="c-title" title={t.title || undefined}>
        {t.title}
      </div>
      <div role="gridcell" className="c-artist" title={t.artist || undefined}>
        {t.artist}
      </div>
      <div role="gridcell" className="c-num">
        {t.duration}
      </div>
      <div role="gridcell" className="c-num">
        {t.bpm}
      </div>
      <div role="gridcell" className="c-key">
        {t.key}
        {t.camelot ? <span className="camelot"> {t.camelot}</span> : null}
      </div>
      <div role="gridcell" className="c-status">
        <span className={`badge status-${job.status}`} title={t.statusTitle}>
          {job.status}
        </span>
      </div>
      <div role="gridcell" className="c-date">
        {t.date}
      </div>
    </div>
  );
});

/** the scroll position is saved apart from the store, at most every 250 ms: a store update per scroll event would re-render the table on every frame */
const SCROLL_KEY = 'performia.history.scrollTop';
export function savedScrollTop(): number {
  try {
    return Number(localStorage.getItem(SCROLL_KEY)) || 0;
  } catch {
    return 0;
  }
}

export function History(): React.JSX.Element {
  const h = useHistory(
    useShallow((s) => ({
      items: s.items,
      total: s.total,
      nextCursor: s.nextCursor,
      loading: s.loading,
      error: s.error,
      selected: s.selected,
      activeId: s.activeId,
      sort: s.sort,
      order: s.order,
      statuses: s.statuses,
      search: s.search,
      bpmMin: s.bpmMin,
      bpmMax: s.bpmMax,
      key: s.key,
      toggleSort: s.toggleSort,
      selectAllLoaded: s.selectAllLoaded,
    })),
  );
  const scrollSave = useRef<ReturnType<typeof setTimeout> | null>(null);
  const historyVersion = useJobs((s) => s.historyVersion);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<string | null>(null);
  const restored = useRef(false);
  const [confirmDelete, setConfirmDelete] = useState(false);

  // first load, and a refresh whenever jobs finish or vanish (at most every 750 ms during a batch)
  useEffect(() => {
    void useHistory.getState().reload();
  }, []);
  // throttled, not debounced: during a long batch the bumps never pause, and the table must still move
  // leading edge too, so a freshly dropped file shows up in the table at once
  const refreshTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const lastRefresh = useRef(0);
  useEffect(() => {
    if (historyVersion === 0 || refreshTimer.current) return;
    const wait = Math.max(0, lastRefresh.current + 750 - Date.now());
    refreshTimer.current = setTimeout(() => {
      refreshTimer.current = null;
      lastRefresh.current = Date.now();
      void useHistory.getState().reload({ refresh: true });
    }, wait);
  }, [historyVersion]);
  useEffect(() => () => void (refreshTimer.current && clearTimeout(refreshTimer.current)), []);

  const virt = useVirtualizer({
    count: h.items.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: OVERSCAN,
    initialRect: { width: 900, height: 480 },
  });

  // restore the scroll position once, after the first page arrived
  useEffect(() => {
    if (restored.current || h.items.length === 0 || !scroller.current) return;
    restored.current = true;
    // read by the UI benchmark through the Performance API: first rows on screen since navigation
    performance.mark('history:first-rows');
    scroller.current.scrollTop = savedScrollTop();
  }, [h.items.length]);

  // new filters or sort: back to the top (but not on the first render, which restores the saved position)
  const filterKey = JSON.stringify([h.sort, h.order, h.statuses, h.search, h.bpmMin, h.bpmMax, h.key]);
  const firstFilterKey = useRef(filterKey);
  useEffect(() => {
    if (filterKey !== firstFilterKey.current && scroller.current) scroller.current.scrollTop = 0;
  }, [filterKey]);

  const vItems = virt.getVirtualItems();
  // Slots are keyed by position modulo the window size, not by job id: when the window moves, the row
  // leaving at one end hands its DOM over to the row arriving at the other, so a fast scroll patches
  // a few text nodes in place instead of creating and removing a dozen elements per row. Any run of
  // consecutive indices no longer than the pool gets distinct keys; the pool only grows (a window one
  // row shorter than the pool costs one new element per move, a reshuffle would cost all of them).
  const pool = useRef(0);
  // sized for a full window from the start, so leaving the top of the list does not reshuffle the keys
  const fullWindow = Math.ceil((virt.scrollRect?.height ?? 0) / ROW_HEIGHT) + 1 + 2 * OVERSCAN;
  pool.current = Math.max(pool.current, vItems.length, fullWindow);
  const lastIndex = vItems.length ? vItems[vItems.length - 1].index : -1;
  useEffect(() => {
    if (lastIndex >= 0 && lastIndex >= h.items.length - PREFETCH_ROWS && h.nextCursor)
      void useHistory.getState().loadMore();
  }, [lastIndex, h.items.length, h.nextCursor]);

  const virtRef = useRef(virt);
  virtRef.current = virt;
  const onPick = useCallback((e: React.MouseEvent | React.KeyboardEvent, job: JobRow, index: number): void => {
    const st = useHistory.getState();
    if (e.shiftKey && anchor.current) st.selectRange(anchor.current, job.id);
    else if (e.ctrlKey || e.metaKey) st.toggleSelected(job.id);
    anchor.current = job.id;
    st.setActive(job.id);
    virtRef.current.scrollToIndex(index);
  }, []);

  // at most one pending save: the timer reads the position when it fires, so no per-event rescheduling
  const onScroll = useCallback((): void => {
    if (scrollSave.current) return;
    scrollSave.current = setTimeout(() => {
      scrollSave.current = null;
      const top = scroller.current?.scrollTop;
      if (top == null) return;
      try {
        localStorage.setItem(SCROLL_KEY, String(Math.round(top)));
      } catch {
        /* storage full or disabled: the position is simply not kept */
      }
    }, 250);
  }, []);
  useEffect(() => () => void (scrollSave.current && clearTimeout(scrollSave.current)), []);

  const onKey = (e: React.KeyboardEvent): void => {
    const st = useHistory.getState();
    const i = st.items.findIndex((j) => j.id === st.activeId);
    const move = (to: number): void => {
      const idx = Math.max(0, Math.min(st.items.length - 1, to));
      const job = st.items[idx];
      if (!job) return;
      if (e.shiftKey) st.selectRange(anchor.current ?? job.id, job.id);
      else anchor.current = job.id;
      st.setActive(job.id);
      virt.scrollToIndex(idx);
    };
    if (e.key === 'ArrowDown') move(i + 1);
    else if (e.key === 'ArrowUp') move(i - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(st.items.length - 1);
    else if (e.key === 'PageDown') move(i + 12);
    else if (e.key === 'PageUp') move(i - 12);
    else if (e.key === ' ' && st.activeId) st.toggleSelected(st.activeId);
    else if (e.key === 'Enter' && st.activeId) {
      const job = st.items[i];
      if (job?.status === 'completed') useApp.getState().openSong(job.id);
    } else if (e.key === 'Delete' && Object.keys(st.selected).length) setConfirmDelete(true);
    else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a') st.selectAllLoaded(true);
    else return;
    e.preventDefault();
  };

  const selectedIds = Object.keys(h.selected);
  const doDelete = async (): Promise<void> => {
    setConfirmDelete(false);
    const r = await deleteJobs(selectedIds);
    if (r) useHistory.getState().removeLocal(selectedIds);
  };
  const allLoadedSelected = h.items.length > 0 && selectedIds.length >= h.items.length;
  const filtered =
    h.statuses.length > 0 || !!h.search.trim() || h.bpmMin != null || h.bpmMax != null || !!h.key;

  return (
    <section className="panel history" aria-labelledby="history-title">
      <header className="panel-head">
        <h2 id="history-title">History</h2>
        <span className="muted" data-testid="history-total">
          {h.total.toLocaleString()} {h.total === 1 ? 'job' : 'jobs'}
        </span>
        {selectedIds.length > 0 && (
          <span className="selection-bar">
            <span>{selectedIds.length} selected</span>
            {confirmDelete ? (
              <>
                <span role="alert">Delete {selectedIds.length} jobs and their files?</span>
                <button type="button" className="btn danger" onClick={() => void doDelete()}>
                  Delete
                </button>
                <button type="button" className="btn" onClick={() => setConfirmDelete(false)}>
                  Keep
                </button>
              </>
            ) : (
              <button type="button" className="btn danger" onClick={() => setConfirmDelete(true)}>
                Delete selected…
              </button>
            )}
            <button
              type="button"
              className="btn subtle"
              onClick={() => useHistory.getState().clearSelection()}
            >
              Clear selection
            </button>
          </span>
        )}
      </header>
      <HistoryFiltersBar />
      {h.error && (
        <p className="error-text" role="alert">
          {h.error}
        </p>
      )}
      <div
        className="h-table"
        role="grid"
        aria-label="Analysis history"
        aria-rowcount={h.total + 1}
        aria-multiselectable="true"
      >
        <div role="row" className="h-row h-head" aria-rowindex={1}>
          <div role="columnheader" className="c-sel">
            <input
              type="checkbox"
              aria-label="Select all loaded jobs"
              checked={allLoadedSelected}
              onChange={(e) => h.selectAllLoaded(e.currentTarget.checked)}
            />
          </div>
          {COLUMNS.map((c) => (
            <div
              key={c.key}
              role="columnheader"
              className={c.cls}
              aria-sort={h.sort === c.key ? (h.order === 'asc' ? 'ascending' : 'descending') : 'none'}
            >
              <button type="button" className="sort-btn" onClick={() => h.toggleSort(c.key)}>
                {c.label}
                <span aria-hidden="true">{h.sort === c.key ? (h.order === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            </div>
          ))}
        </div>
        <div
          ref={scroller}
          className="h-body"
          tabIndex={0}
          aria-label="History rows: arrows move, Space selects, Enter opens, Delete removes"
          onKeyDown={onKey}
          onScroll={onScroll}
          data-testid="history-body"
        >
          {h.items.length === 0 && !h.loading ? (
            <div className="empty" data-testid="history-empty">
              {filtered
                ? 'No jobs match these filters.'
                : 'No analyses yet. Drop audio files anywhere in this window, or press Open… to choose some.'}
            </div>
          ) : (
            <div style={{ height: virt.getTotalSize(), position: 'relative' }}>
              {vItems.map((v) => {
                const job = h.items[v.index];
                return (
                  <div
                    key={v.index % pool.current}
                    className="h-slot"
                    style={{ transform: `translateY(${v.start}px)` }}
                  >
                    <Row
                      job={job}
                      index={v.index}
                      active={h.activeId === job.id}
                      selected={!!h.selected[job.id]}
                      onPick={onPick}
                    />
                  </div>
                );
              })}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}
