/**
 * PerformiaApi over HTTP, for the browser build served by the headless server:
 *   POST /rpc/<channel>  JSON body → Result JSON
 *   GET  /events         SSE, `event: <name>`, JSON `data`
 *   POST /api/upload     multipart, field `file` → the created jobs (SubmitResult)
 * Same-origin only: the server trusts the UI it serves, so no token is needed here.
 */
import type { Channel, EventName, EventPayload, PerformiaApi, Req, Res } from '../../../shared/contract';
import { EVENT_NAME_LIST as EVENT_NAMES } from '../../../shared/channel-names';
import type { SubmitResult } from '../../../shared/domain';
import type { Result } from '../../../shared/result';

export interface HttpApiOptions {
  baseUrl: string;
  fetchImpl?: typeof fetch;
  /** injected in tests; defaults to the global EventSource */
  eventSourceFactory?: (url: string) => EventSourceLike;
}

/** the part of EventSource we use (so tests can pass a fake) */
export interface EventSourceLike {
  addEventListener(type: string, listener: (ev: { data: string }) => void): void;
  close(): void;
}

const netFail = (message: string): Result<never> => ({ ok: false, error: { code: 'E_INTERNAL', message } });

/** Turns any HTTP answer into a Result: the body when it is a Result envelope, else a plain failure. */
export async function readResult<T>(res: Response): Promise<Result<T>> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return netFail(`The server answered ${res.status} ${res.statusText} without a readable result.`);
  }
  if (body && typeof body === 'object' && 'ok' in body) {
    const r = body as Result<T>;
    if (r.ok === true || (r.ok === false && r.error && typeof r.error.code === 'string')) return r;
  }
  if (!res.ok) return netFail(`The server answered ${res.status} ${res.statusText}.`);
  return { ok: true, value: body as T };
}

export function createHttpApi(opts: HttpApiOptions): PerformiaApi {
  const f = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const listeners = new Map<EventName, Set<(p: unknown) => void>>();
  let source: EventSourceLike | null = null;

  // One EventSource for all listeners, opened lazily; EventSource reconnects by itself after a server restart.
  const ensureSource = (): void => {
    if (source) return;
    const make =
      opts.eventSourceFactory ?? ((url: string) => new EventSource(url) as unknown as EventSourceLike);
    source = make(`${opts.baseUrl}/events`);
    for (const name of EVENT_NAMES) {
      source.addEventListener(name, (ev) => {
        let payload: unknown;
        try {
          payload = JSON.parse(ev.data);
        } catch {
          return; // a malformed frame is dropped, never thrown into React
        }
        for (const l of listeners.get(name) ?? []) l(payload);
      });
    }
  };

  return {
    mode: 'headless',
    async invoke<C extends Channel>(channel: C, request: Req<C>): Promise<Result<Res<C>>> {
      try {
        const res = await f(`${opts.baseUrl}/rpc/${channel}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(request ?? {}),
          credentials: 'same-origin',
        });
        return await readResult<Res<C>>(res);
      } catch {
        return netFail('Cannot reach the Performia server. Is it still running?');
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      ensureSource();
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    getPathForFile: () => null,
  };
}

/** Uploads one file (browser build). The server answers with the created job(s) as a SubmitResult. */
export async function uploadFile(
  file: File,
  opts: { baseUrl?: string; fetchImpl?: typeof fetch } = {},
): Promise<Result<SubmitResult>> {
  const f = opts.fetchImpl ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const form = new FormData();
  form.append('file', file, file.name);
  try {
    const res = await f(`${opts.baseUrl ?? ''}/api/upload`, {
      method: 'POST',
      body: form,
      credentials: 'same-origin',
    });
    const r = await readResult<unknown>(res);
    if (!r.ok) return r;
    return { ok: true, value: normaliseSubmit(r.value) };
  } catch {
    return netFail(`Upload of ${file.name} failed: the server cannot be reached.`);
  }
}

/** accepts {jobs, rejected}, {job} or a bare job list, so a small wire difference never loses a job */
function normaliseSubmit(v: unknown): SubmitResult {
  if (Array.isArray(v)) return { jobs: v as SubmitResult['jobs'], rejected: [] };
  const o = (v ?? {}) as Partial<SubmitResult> & { job?: SubmitResult['jobs'][number] };
  if (o.job) return { jobs: [o.job], rejected: o.rejected ?? [] };
  return { jobs: o.jobs ?? [], rejected: o.rejected ?? [] };
}
