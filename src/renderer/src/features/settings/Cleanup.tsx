/**
 * "Clean up jobs older than N days": always a dry-run preview first (count + bytes), then a confirm,
 * then a short undo window before anything is deleted.
 */
import { useEffect, useRef, useState } from 'react';
import { ApiError, call } from '../../api/client';
import type { CleanupResult } from '../../../../shared/domain';
import { formatBytes, plainError } from '../../ui/format';
import { useJobs } from '../../stores/jobs';
import { useSettings } from './settingsStore';

export const UNDO_SECONDS = 5;

type Phase =
  | { kind: 'idle' }
  | { kind: 'preview'; days: number; result: CleanupResult }
  | { kind: 'pending'; days: number; left: number }
  | { kind: 'done'; result: CleanupResult }
  | { kind: 'error'; message: string };

export function Cleanup({ undoSeconds = UNDO_SECONDS }: { undoSeconds?: number }): React.JSX.Element {
  const [days, setDays] = useState('30');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const timer = useRef<ReturnType<typeof setInterval> | null>(null);
  const stop = (): void => {
    if (timer.current) clearInterval(timer.current);
    timer.current = null;
  };
  useEffect(() => stop, []);

  const parsedDays = Number(days);
  const valid = days.trim() !== '' && Number.isFinite(parsedDays) && parsedDays >= 0 && parsedDays <= 36500;

  const fail = (e: unknown): void =>
    setPhase({
      kind: 'error',
      message: e instanceof ApiError ? `${plainError(e.code, e.message)} (${e.code})` : 'The cleanup failed.',
    });

  const preview = async (): Promise<void> => {
    try {
      const result = await call('jobs.cleanup', { olderThanDays: parsedDays, dryRun: true });
      setPhase({ kind: 'preview', days: parsedDays, result });
    } catch (e) {
      fail(e);
    }
  };
  const execute = async (d: number): Promise<void> => {
    try {
      const result = await call('jobs.cleanup', { olderThanDays: d, dryRun: false });
      setPhase({ kind: 'done', result });
      useJobs.setState((s) => ({ historyVersion: s.historyVersion + 1 }));
      void useSettings.getState().loadStats();
    } catch (e) {
      fail(e);
    }
  };
  const confirm = (d: number): void => {
    if (undoSeconds <= 0) return void execute(d);
    setPhase({ kind: 'pending', days: d, left: undoSeconds });
    let left = undoSeconds;
    stop();
    timer.current = setInterval(() => {
      left -= 1;
      if (left <= 0) {
        stop();
        void execute(d);
      } else setPhase({ kind: 'pending', days: d, left });
    }, 1000);
  };

  return (
    <section className="panel" aria-labelledby="cleanup-title" data-testid="cleanup">
      <h2 id="cleanup-title">Clean up</h2>
      <div className="row">
        <label className="field">
          Remove finished jobs older than
          <input
            className="input num"
            type="number"
            min={0}
            max={36500}
            value={days}
            aria-label="Cleanup age in days"
            onChange={(e) => {
              setDays(e.currentTarget.value);
              setPhase({ kind: 'idle' });
            }}
          />
          days
        </label>
        <button
          type="button"
          className="btn"
          disabled={!valid || phase.kind === 'pending'}
          onClick={() => void preview()}
        >
          Preview
        </button>
      </div>
      <div aria-live="polite">
        {phase.kind === 'preview' &&
          (phase.result.count === 0 ? (
            <p data-testid="cleanup-preview">
              Nothing to clean up: no finished job is older than {phase.days} days.
            </p>
          ) : (
            <p data-testid="cleanup-preview">
              {phase.result.count} {phase.result.count === 1 ? 'job' : 'jobs'} and{' '}
              {formatBytes(phase.result.bytes)} of stored files will be removed.{' '}
              <button type="button" className="btn danger" onClick={() => confirm(phase.days)}>
                Clean up now
              </button>{' '}
              <button type="button" className="btn" onClick={() => setPhase({ kind: 'idle' })}>
                Cancel
              </button>
            </p>
          ))}
        {phase.kind === 'pending' && (
          <p data-testid="cleanup-pending">
            Cleaning up in {phase.left} s…{' '}
            <button
              type="button"
              className="btn"
              onClick={() => {
                stop();
                setPhase({ kind: 'idle' });
              }}
            >
              Undo
            </button>
          </p>
        )}
        {phase.kind === 'done' && (
          <p data-testid="cleanup-done">
            Removed {phase.result.count} {phase.result.count === 1 ? 'job' : 'jobs'}, freed{' '}
            {formatBytes(phase.result.bytes)}.
          </p>
        )}
        {phase.kind === 'error' && (
          <p className="error-text" role="alert">
            {phase.message}
          </p>
        )}
      </div>
    </section>
  );
}
