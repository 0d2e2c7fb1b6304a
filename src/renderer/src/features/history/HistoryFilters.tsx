/** Search, status, BPM range (with ½×/2×) and key (with compatible keys) filters of the history. */
import { memo, useEffect, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useHistory } from './historyStore';
import { ALL_KEYS, compatibleKeys, toCamelot } from './keys';
import type { JobStatus } from '../../../../shared/domain';
import { JOB_STATUSES } from '../../../../shared/names';

const num = (s: string): number | null => {
  const v = Number(s);
  return s.trim() && Number.isFinite(v) && v > 0 ? Math.min(v, 1000) : null;
};

/** memoised, and subscribed to the filter fields only: scrolling the table must not re-render it */
export const HistoryFiltersBar = memo(function HistoryFiltersBar(): React.JSX.Element {
  const h = useHistory(
    useShallow((s) => ({
      search: s.search,
      statuses: s.statuses,
      bpmMin: s.bpmMin,
      bpmMax: s.bpmMax,
      halfDouble: s.halfDouble,
      key: s.key,
      compatible: s.compatible,
      setFilters: s.setFilters,
    })),
  );
  const [search, setSearch] = useState(h.search);
  // typing is debounced so a query runs once the user pauses, not per keystroke
  useEffect(() => {
    if (search === useHistory.getState().search) return;
    const t = setTimeout(() => useHistory.getState().setFilters({ search }), 150);
    return () => clearTimeout(t);
  }, [search]);

  const toggleStatus = (s: JobStatus): void => {
    const cur = useHistory.getState().statuses;
    h.setFilters({ statuses: cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s] });
  };

  return (
    <div className="filters" role="search" aria-label="Filter the history">
      <input
        type="search"
        className="input search"
        placeholder="Search name, title, artist"
        aria-label="Search the history"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
      />
      <fieldset className="status-filter">
        <legend className="sr-only">Status</legend>
        {JOB_STATUSES.map((s) => (
          <label key={s} className={`chip${h.statuses.includes(s) ? ' on' : ''}`}>
            <input type="checkbox" checked={h.statuses.includes(s)} onChange={() => toggleStatus(s)} />
            {s}
          </label>
        ))}
      </fieldset>
      <label className="field">
        BPM
        <input
          type="number"
          className="input num"
          min={1}
          max={1000}
          aria-label="Minimum BPM"
          placeholder="min"
          defaultValue={h.bpmMin ?? ''}
          onBlur={(e) => h.setFilters({ bpmMin: num(e.currentTarget.value) })}
          onKeyDown={(e) => e.key === 'Enter' && h.setFilters({ bpmMin: num(e.currentTarget.value) })}
        />
        –
        <input
          type="number"
          className="input num"
          min={1}
          max={1000}
          aria-label="Maximum BPM"
          placeholder="max"
          defaultValue={h.bpmMax ?? ''}
          onBlur={(e) => h.setFilters({ bpmMax: num(e.currentTarget.value) })}
          onKeyDown={(e) => e.key === 'Enter' && h.setFilters({ bpmMax: num(e.currentTarget.value) })}
        />
      </label>
      <label className="chip">
        <input
          type="checkbox"
          checked={h.halfDouble}
          onChange={(e) => h.setFilters({ halfDouble: e.currentTarget.checked })}
        />
        ½× / 2×
      </label>
      <label className="field">
        Key
        <select
          className="input"
          aria-label="Key filter"
          value={h.key ?? ''}
          onChange={(e) => h.setFilters({ key: e.currentTarget.value || null })}
        >
          <option value="">any</option>
          {ALL_KEYS.map((k) => (
            <option key={k} value={k}>
              {k} ({toCamelot(k)})
            </option>
          ))}
        </select>
      </label>
      <label
        className="chip"
        title={h.key ? `Also ${compatibleKeys(h.key).slice(1).join(', ')}` : 'Pick a key first'}
      >
        <input
          type="checkbox"
          checked={h.compatible}
          disabled={!h.key}
          onChange={(e) => h.setFilters({ compatible: e.currentTarget.checked })}
        />
        compatible keys
      </label>
    </div>
  );
});
