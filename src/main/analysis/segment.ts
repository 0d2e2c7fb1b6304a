/**
 * Section segmentation: bar-aligned boundaries, repetition letters and best-effort names.
 * Work in progress: until the real analysis lands the stage reports itself as failed
 * (never invented sections).
 */
import type { MonoAudio } from './types';
import { throwIfAborted } from './types';
import type { SectionsContext, SectionsResult } from './stages';

export function analyzeSections(_audio: MonoAudio, ctx: SectionsContext): SectionsResult {
  throwIfAborted(ctx.signal);
  return { sections: [], stage: { status: 'failed', reason: 'section analysis not implemented yet' } };
}
