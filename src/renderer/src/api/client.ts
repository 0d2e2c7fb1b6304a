/**
 * The ONE module that touches window.performia. Everything else in the renderer asks `api()`.
 * In Electron the preload exposes the bridge; in the browser build (served by the headless server)
 * the same PerformiaApi is built over HTTP.
 */
import type { Channel, PerformiaApi, Req, Res } from '../../../shared/contract';
import type { AppErrorShape } from '../../../shared/result';
import { createHttpApi } from './http';

declare global {
  interface Window {
    performia?: PerformiaApi;
  }
}

let current: PerformiaApi | null = null;

export function api(): PerformiaApi {
  if (!current) {
    current =
      typeof window !== 'undefined' && window.performia ? window.performia : createHttpApi({ baseUrl: '' });
  }
  return current;
}

/** tests and stories inject a fake; null resets to auto-detection */
export function setApi(next: PerformiaApi | null): void {
  current = next;
}

/** An error returned by the core, carried as an exception so callers can `await` plainly. */
export class ApiError extends Error {
  readonly code: AppErrorShape['code'];
  constructor(shape: AppErrorShape) {
    super(shape.message);
    this.name = 'ApiError';
    this.code = shape.code;
  }
}

/** invoke and unwrap the Result: resolves the value or throws ApiError with the core's code */
export async function call<C extends Channel>(channel: C, request: Req<C>): Promise<Res<C>> {
  const r = await api().invoke(channel, request);
  if (!r.ok) throw new ApiError(r.error);
  return r.value;
}

/** where the <audio> element reads a job's original file: the Electron protocol or the server's range endpoint */
export function audioUrl(id: string): string {
  const enc = encodeURIComponent(id);
  return api().mode === 'electron' ? `performia-audio://job/${enc}` : `/api/audio/${enc}/original`;
}
