/**
 * Rhythm stage: onset strength → tempo → beats → meter/downbeats.
 * Placeholder until the engine lands: reports every rhythm stage as failed, never invents values.
 */
import type { MonoAudio } from './types';
import type { RhythmResult, StageContext } from './stages';

export function analyzeRhythm(_audio: MonoAudio, _ctx: StageContext): RhythmResult {
  const failed = { status: 'failed' as const, reason: 'rhythm engine not implemented yet' };
  return { tempo: null, beats: [], downbeats: [], meter: null, stages: { tempo: failed, beats: failed, meter: failed } };
}
