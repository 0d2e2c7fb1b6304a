/**
 * Contract dispatch: channel lookup, request validation, handler, Result envelope.
 * Nothing but a code and a short message ever leaves: zod issues are reduced to "field: problem",
 * unexpected errors become E_INTERNAL "Internal error" and their detail goes to stderr only.
 */
import type { Result } from '../../shared';
import { channels, fail, isAppError, isChannel, ok } from '../../shared';
import type { Channel } from '../../shared';
import type { HandlerContext, Handlers } from './handlers';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const MAX_DEPTH = 16;

/**
 * Prototype-pollution keys are refused anywhere in the payload, even where a schema would accept an
 * arbitrary record key; the walk is bounded so a deeply nested payload cannot blow the stack.
 */
function findForbiddenKey(value: unknown, path: string, depth: number): string | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return path || 'payload';
  if (Array.isArray(value)) {
    // element values of long arrays are checked by the schema (strings/ids); objects are rare there
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (v !== null && typeof v === 'object') {
        const hit = findForbiddenKey(v, `${path}${path ? '.' : ''}${i}`, depth + 1);
        if (hit) return hit;
      }
    }
    return null;
  }
  for (const key of Object.keys(value)) {
    const p = `${path}${path ? '.' : ''}${key}`;
    if (FORBIDDEN_KEYS.has(key)) return p;
    const hit = findForbiddenKey((value as Record<string, unknown>)[key], p, depth + 1);
    if (hit) return hit;
  }
  return null;
}

function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'invalid request';
  const where = issue.path.length ? issue.path.map(String).join('.') : 'payload';
  return `${where}: ${issue.message}`.slice(0, 200);
}

export async function dispatch(
  handlers: Handlers,
  ctx: HandlerContext,
  channel: string,
  payload: unknown,
): Promise<Result<unknown>> {
  if (!isChannel(channel)) return fail('E_UNKNOWN_CHANNEL', 'Unknown channel');
  const forbidden = findForbiddenKey(payload, '', 0);
  if (forbidden) return fail('E_INVALID_REQUEST', `Invalid request: ${forbidden}: key not allowed`);
  const parsed = channels[channel].request.safeParse(payload);
  if (!parsed.success) {
    return fail('E_INVALID_REQUEST', `Invalid request: ${describeIssue(parsed.error.issues[0])}`);
  }
  try {
    const handler = handlers[channel] as (req: unknown, c: HandlerContext) => unknown;
    const value = await handler(parsed.data ?? {}, ctx);
    return ok(value);
  } catch (err) {
    if (isAppError(err)) return fail(err.code, err.message);
    console.error(`[core] ${channel as Channel} failed:`, err);
    return fail('E_INTERNAL', 'Internal error');
  }
}
