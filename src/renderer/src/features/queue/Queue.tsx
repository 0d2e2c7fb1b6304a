/** The live queue: this session's jobs and anything still running, with progress and actions. */
import { useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { batchSummary, useJobs } from '../../stores/jobs';
import { useApp } from '../../stores/app';
import type { Job } from '../../../../shared/domain';
import { formatDuration, plainError, timing } from '../../ui/format';
import { cancelJobs, deleteJobs, moveToTop, retryJobs } from './actions';

/** re-render once a second while something runs, for the elapsed/ETA clocks */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

const STATUS_LABEL: Record<Job['status'], string> = {
  queued: 'Queued',
  processing: 'Analysing',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

export function QueueRow({
  job,
  now,
  reused,
}: {
  job: Job;
  now: number;
  reused: boolean;
}): React.JSX.Element {
  const openSong = useApp((s) => s.openSong);
  const { elapsed, eta } = timing(job, now);
  const pct = Math.round(job.progress * 100);
  const active = job.status === 'queued' || job.status === 'processing';
  return (
    <li
      className={`queue-row status-${job.status}`}
      data-testid="queue-row"
      data-status={job.status}
      data-job-id={job.id}
    >
      <div className="queue-main">
        <span className="queue-name" title={job.inputPath}>
          {job.fileName}
        </span>
        <span className={`badge status-${job.status}`}>{STATUS_LABEL[job.status]}</span>
        {reused && (
          <span className="badge reused" title="Same content as an earlier file: its result was reused">
            Already analysed
          </span>
        )}
        {job.status === 'processing' && job.stage && <span className="queue-stage">{job.stage}</span>}
      </div>
      {active && (
        <div
          className="progress"
          role="progressbar"
          aria-label={`Progress of ${job.fileName}`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={pct}
        >
          <div className="progress-bar" style={{ width: `${pct}%` }} />
        </div>
      )}
      <div className="queue-meta">
        {active && <span>{pct}%</span>}
        {elapsed != null && <span>elapsed {formatDuration(elapsed)}</span>}
        {eta != null && <span>ETA {formatDuration(eta)}</span>}
        {job.status === 'failed' && (
          <span className="error-text" role="alert">
            {plainError(job.errorCode, job.errorMessage)} <code>{job.errorCode}</code>
          </span>
        )}
      </div>
      <div className="queue-actions">
        {job.status === 'completed' && (
          <button
            type="button"
            className="btn"
            onClick={() => openSong(job.id)}
            aria-label={`Open song map of ${job.fileName}`}
          >
            Open
          </button>
        )}
        {job.status === 'queued' && (
          <button
            type="button"
            className="btn"
            onClick={() => void moveToTop(job.id)}
            aria-label={`Move ${job.fileName} to the top of the queue`}
          >
            Top
          </button>
        )}
        {active && (
          <button
            type="button"
            className="btn"
            onClick={() => void cancelJobs([job.id])}
            aria-label={`Cancel ${job.fileName}`}
          >
            Cancel
          </button>
        )}
        {(job.status === 'failed' || job.status === 'cancelled') && (
          <button
            type="button"
            className="btn"
            onClick={() => void retryJobs([job.id])}
            aria-label={`Retry ${job.fileName}`}
          >
            Retry
          </button>
        )}
        {job.status === 'completed' && (
          <button
            type="button"
            className="btn"
            onClick={() => void retryJobs([job.id])}
            aria-label={`Re-analyse ${job.fileName}`}
          >
            Re-analyse
          </button>
        )}
        {!active && (
          <button
            type="button"
            className="btn danger"
            onClick={() => void deleteJobs([job.id])}
            aria-label={`Delete ${job.fileName}`}
          >
            Delete
          </button>
        )}
      </div>
    </li>
  );
}

/** rows drawn at most: a 10,000-file drop must not put 10,000 rows in the DOM (the history has them all) */
export const QUEUE_SHOWN = 100;
const RANK: Record<Job['status'], number> = {
  processing: 0,
  queued: 1,
  failed: 2,
  cancelled: 2,
  completed: 3,
};

/** what the user needs first: running jobs, then the queue in run order, then the newest finished */
export function queueOrder(jobs: Job[]): Job[] {
  return [...jobs].sort(
    (a, b) =>
      RANK[a.status] - RANK[b.status] ||
      (a.status === 'queued'
        ? b.priority - a.priority || a.createdAt - b.createdAt
        : (b.completedAt ?? b.updatedAt) - (a.completedAt ?? a.updatedAt)),
  );
}

export function Queue(): React.JSX.Element | null {
  const jobs = useJobs(useShallow((s) => s.queueIds.map((id) => s.byId[id]).filter((j): j is Job => !!j)));
  const reusedIds = useJobs((s) => s.reusedIds);
  const clearFinished = useJobs((s) => s.clearFinished);
  const sum = batchSummary(jobs);
  const now = useNow(sum.active > 0);
  const shown = useMemo(() => queueOrder(jobs).slice(0, QUEUE_SHOWN), [jobs]);
  if (jobs.length === 0) return null;
  return (
    <section className="panel" aria-labelledby="queue-title">
      <header className="panel-head">
        <h2 id="queue-title">Queue</h2>
        <span className="batch-summary" data-testid="batch-summary" aria-live="polite">
          {sum.done} of {sum.total} done
          {sum.failed ? `, ${sum.failed} failed` : ''}
          {sum.cancelled ? `, ${sum.cancelled} cancelled` : ''}
        </span>
        {sum.active < sum.total && (
          <button type="button" className="btn subtle" onClick={clearFinished}>
            Clear finished
          </button>
        )}
      </header>
      <ul className="queue-list" aria-label="Analysis queue">
        {shown.map((j) => (
          <QueueRow key={j.id} job={j} now={now} reused={!!reusedIds[j.id]} />
        ))}
      </ul>
      {jobs.length > shown.length && (
        <p className="muted" data-testid="queue-more">
          … and {(jobs.length - shown.length).toLocaleString()} more (all of them are in the history below)
        </p>
      )}
    </section>
  );
}

export function RejectedList(): React.JSX.Element | null {
  const rejected = useJobs((s) => s.rejected);
  const clear = useJobs((s) => s.clearRejected);
  if (rejected.length === 0) return null;
  return (
    <section className="panel warn" aria-labelledby="rejected-title" data-testid="rejected">
      <header className="panel-head">
        <h2 id="rejected-title">Not added ({rejected.length})</h2>
        <button type="button" className="btn subtle" onClick={clear}>
          Dismiss
        </button>
      </header>
      <ul className="rejected-list">
        {rejected.map((r, i) => (
          <li key={`${r.path}-${i}`}>
            <span className="queue-name">{r.path}</span> — {plainError(r.code, r.message)}{' '}
            <code>{r.code}</code>
          </li>
        ))}
      </ul>
    </section>
  );
}
