/**
 * Harmony stage: tuning, key regions, chords, beat-synchronous chroma.
 * Placeholder so the pipeline can import it; the real engine replaces this body.
 */
import type { HarmonyContext, HarmonyResult } from './stages';
import type { MonoAudio } from './types';

export function analyzeHarmony(_audio: MonoAudio, _ctx: HarmonyContext): HarmonyResult {
  const reason = 'harmony engine not implemented yet';
  return {
    tuning: null,
    key: [],
    key_alternatives: [],
    chords: [],
    beatChroma: null,
    stages: {
      tuning: { status: 'failed', reason },
      key: { status: 'failed', reason },
      chords: { status: 'failed', reason },
    },
  };
}
