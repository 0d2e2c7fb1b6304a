/**
 * The rhythm engine on a few corpus songs with exact ground truth (one per meter, a tempo jump, a
 * swing groove). Thresholds sit a little below the scores measured when this test was written
 * (beat F 0.994–1.000, downbeat F 1.0, curve4 0.98–1.0), so a real regression fails.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { beatFMeasure } from '../../../bench/metrics/beat';
import { trimBeats } from '../../../bench/metrics/events';
import { tempoAcc1, tempoCurve4 } from '../../../bench/metrics/tempo';
import { analyzeRhythm } from './rhythm';
import { stft } from './spectrum';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT } from './stages';
import { corpusGt, decodeCorpusAudio, haveCorpus } from '../testing/corpus';

const present = haveCorpus('rhythm corpus test');

describe.skipIf(!present)('rhythm on the corpus', () => {
  for (const id of ['s01', 's07', 's13', 's08', 'm02']) {
    it(`${id}: tempo, beats, downbeats and meter`, async () => {
      const gt = JSON.parse(readFileSync(corpusGt(id), 'utf8'));
      const samples = await decodeCorpusAudio(gt.audio);
      const spec = stft(samples, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
      const r = analyzeRhythm({ samples, sr: ANALYSIS_SR }, { spec });
      expect(r.tempo).not.toBeNull();
      expect(tempoAcc1(r.tempo!.bpm_global, gt.tempo.bpm_global)).toBe(1);
      expect(
        tempoCurve4(
          gt.tempo.curve,
          r.tempo!.curve,
          r.tempo!.bpm_global,
          gt.music.start_sec,
          gt.music.end_sec,
        ),
      ).toBeGreaterThanOrEqual(0.95);
      expect(beatFMeasure(trimBeats(gt.beats), trimBeats(r.beats))).toBeGreaterThanOrEqual(0.97);
      expect(beatFMeasure(trimBeats(gt.downbeats), trimBeats(r.downbeats))).toBeGreaterThanOrEqual(0.9);
      expect(r.meter).toEqual(gt.meter);
    });
  }
});
