/**
 * The result envelope every contract call returns, over IPC and over HTTP alike.
 * Errors carry a stable code and a plain-words message: never a stack trace, never a foreign path.
 */
import type { ErrorCode } from './errors';

export interface AppErrorShape {
  code: ErrorCode;
  message: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorShape };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = (code: ErrorCode, message: string): Result<never> => ({
  ok: false,
  error: { code, message },
});
