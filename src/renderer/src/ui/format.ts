/** Plain-words formatting shared by the views. */
import type { ErrorCode } from '../../../shared/errors';
import type { Job } from '../../../shared/domain';

export function formatBytes(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** m:ss (or h:mm:ss) */
export function formatDuration(sec: number | null | undefined): string {
  if (sec == null || !Number.isFinite(sec) || sec < 0) return '—';
  const s = Math.floor(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** local date and time to the minute; `seconds` for things that can be minutes apart (backups) */
export function formatDate(ms: number, opts: { seconds?: boolean } = {}): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const s = opts.seconds ? `:${p(d.getSeconds())}` : '';
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}${s}`;
}

/** elapsed and remaining seconds of a running job, from its start and progress */
export function timing(
  job: Pick<Job, 'startedAt' | 'progress' | 'completedAt'>,
  now: number,
): { elapsed: number | null; eta: number | null } {
  if (job.startedAt == null) return { elapsed: null, eta: null };
  const end = job.completedAt ?? now;
  const elapsed = Math.max(0, (end - job.startedAt) / 1000);
  // below 2 % the rate is noise: show no ETA rather than a wild one
  const eta =
    job.completedAt == null && job.progress >= 0.02 && job.progress < 1
      ? (elapsed * (1 - job.progress)) / job.progress
      : null;
  return { elapsed, eta };
}

const PLAIN: Record<ErrorCode, string> = {
  E_NOT_FOUND: 'The file was not found.',
  E_NOT_REGULAR_FILE: 'This is not a regular file (a folder, device or pipe).',
  E_SYMLINK_LOOP: 'The path is a symbolic link that loops.',
  E_PERMISSION: 'Performia is not allowed to read this file.',
  E_EMPTY: 'The file is empty or has no audio in it.',
  E_TOO_LARGE: 'The file is larger than the allowed size.',
  E_TOO_SHORT: 'The audio is too short to analyse.',
  E_UNSUPPORTED_FORMAT: 'This is not an audio format Performia can read.',
  E_TRUNCATED: 'The file is cut short: it holds less audio than its header says.',
  E_CORRUPT_AUDIO: 'The audio header is damaged.',
  E_DECODE: 'The audio could not be decoded.',
  E_FILE_CHANGED: 'The file changed or disappeared while it was being analysed.',
  E_TIMEOUT: 'The analysis took too long and was stopped.',
  E_OUT_OF_MEMORY: 'The analysis ran out of memory.',
  E_CRASHED: 'The analysis was interrupted by crashes too many times.',
  E_WORKER: 'The analysis worker stopped unexpectedly.',
  E_ANALYSIS: 'An analysis step failed.',
  E_JOB_NOT_FOUND: 'This job no longer exists.',
  E_DUPLICATE_ID: 'A job with this id already exists.',
  E_ILLEGAL_TRANSITION: 'That action is not possible in the job’s current state.',
  E_NOT_READY: 'The analysis has not finished yet.',
  E_INVALID_REQUEST: 'The request was not valid.',
  E_FORBIDDEN: 'The request was refused.',
  E_UNKNOWN_CHANNEL: 'The app asked for something the core does not know.',
  E_DB_CORRUPT: 'The database is damaged.',
  E_SCHEMA_TOO_NEW: 'The database was written by a newer version of Performia.',
  E_BACKUP_NOT_FOUND: 'That backup is no longer there.',
  E_BUSY: 'Performia is busy: running analyses did not stop in time. Nothing was changed; try again.',
  E_UNSUPPORTED: 'Not available in this mode.',
  E_INTERNAL: 'Something went wrong inside Performia.',
};

export function plainError(code: ErrorCode | null | undefined, message?: string | null): string {
  const base = code ? (PLAIN[code] ?? 'Something went wrong.') : 'Something went wrong.';
  // the core's own message often says more (which stage, which limit); show both without repeating
  return message && message !== base ? `${base} ${message}` : base;
}
