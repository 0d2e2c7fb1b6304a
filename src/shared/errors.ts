/**
 * Error codes shared by the store, the runner, the engine and both transports.
 * A job that fails records one of these in `errorCode` with a human message in `errorMessage`.
 */
export const ERROR_CODES = [
  // input files
  'E_NOT_FOUND', // the path does not exist (or vanished before analysis)
  'E_NOT_REGULAR_FILE', // directory, FIFO, device (/dev/zero), socket …
  'E_SYMLINK_LOOP', // ELOOP while resolving the path
  'E_PERMISSION', // EACCES / EPERM
  'E_EMPTY', // zero bytes, or no audio samples at all
  'E_TOO_LARGE', // over the configured size cap
  'E_TOO_SHORT', // decodes, but too short to analyse (e.g. a 1-sample file)
  'E_UNSUPPORTED_FORMAT', // not a recognised audio container/codec (magic bytes)
  'E_TRUNCATED', // the container claims more data than the file holds
  'E_CORRUPT_AUDIO', // header is invalid (0 channels, 0 Hz, NaN/Inf samples, …)
  'E_DECODE', // the decoder failed for another reason
  'E_FILE_CHANGED', // the file was modified or deleted while it was analysed
  // runner
  'E_TIMEOUT', // watchdog
  'E_OUT_OF_MEMORY', // worker memory cap
  'E_CRASHED', // the job was interrupted by crashes too many times
  'E_WORKER', // the worker died unexpectedly
  'E_ANALYSIS', // an analysis stage threw
  // store / API
  'E_JOB_NOT_FOUND',
  'E_DUPLICATE_ID',
  'E_ILLEGAL_TRANSITION',
  'E_NOT_READY', // song map requested before the job completed
  'E_INVALID_REQUEST', // payload failed schema validation
  'E_FORBIDDEN', // sender / origin / token check failed
  'E_UNKNOWN_CHANNEL',
  'E_DB_CORRUPT',
  'E_SCHEMA_TOO_NEW',
  'E_BACKUP_NOT_FOUND', // backups.restore named a backup that is not (or no longer) there
  'E_BUSY', // running work did not stop in time for an operation that needs the store to itself (restore)
  'E_UNSUPPORTED', // the operation is not available in this mode (e.g. OS dialog in the browser)
  'E_INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error that is safe to show to the user: code + message, nothing else. */
export class AppError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export const isAppError = (e: unknown): e is AppError =>
  e instanceof AppError ||
  (typeof e === 'object' &&
    e !== null &&
    (e as { name?: unknown }).name === 'AppError' &&
    typeof (e as { code?: unknown }).code === 'string');
