/**
 * The contract's name lists, restated for the renderer. Importing the runtime lists from src/shared
 * would pull zod and every schema into the first paint (the renderer never validates: the core does).
 * The type checks below fail to compile if src/shared gains or loses a name; names.test.ts compares
 * the values at run time.
 */
import type { EventName } from '../../../shared/contract';
import type { JobStatus, ListQuery } from '../../../shared/domain';
import type { StageName } from '../../../shared/songmap';

type Exact<A, B> = [Exclude<A, B>, Exclude<B, A>] extends [never, never] ? true : false;

export const EVENT_NAMES = ['job.updated', 'job.progress', 'jobs.removed', 'app.notice'] as const;
export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const SORT_KEYS = ['created', 'name', 'duration', 'bpm', 'key', 'status', 'title', 'artist'] as const;
export const STAGE_NAMES = [
  'decode',
  'tempo',
  'beats',
  'meter',
  'tuning',
  'key',
  'chords',
  'sections',
  'loudness',
  'waveform',
] as const;

export const namesMatchShared: [
  Exact<(typeof EVENT_NAMES)[number], EventName>,
  Exact<(typeof JOB_STATUSES)[number], JobStatus>,
  Exact<(typeof SORT_KEYS)[number], NonNullable<ListQuery['sort']>>,
  Exact<(typeof STAGE_NAMES)[number], StageName>,
] = [true, true, true, true];
