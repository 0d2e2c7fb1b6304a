import { describe, expect, it } from 'vitest';
import { harmonySpectrum } from './harmony-spectrum';
import { spectralPeaks } from './harmony-peaks';
import { addNote, SR, whiteNoise } from './harmony-testsignal';
import { estimateTuning } from './tuning';

function melody(a4: number): Float32Array {
  const buf = new Float32Array(SR * 6);
  [60, 62, 64, 65, 67, 69, 71, 72].forEach((m, i) => addNote(buf, SR, m, i * 0.7, 0.7, 0.3, a4));
  return buf;
}
const tune = (samples: Float32Array) => estimateTuning(spectralPeaks(harmonySpectrum({ samples, sr: SR })));

describe('estimateTuning', () => {
  it.each([440, 432, 444, 446.5])('finds A4 = %f Hz from a melody with harmonics', (a4) => {
    const t = tune(melody(a4));
    expect(t).not.toBeNull();
    expect(Math.abs(t!.a4_hz - a4)).toBeLessThan(0.3);
    expect(Math.abs(t!.cents - 1200 * Math.log2(a4 / 440))).toBeLessThan(1);
  });

  it('wraps deviations past a quarter tone to the nearer semitone', () => {
    // 60 cents sharp of A440 is 40 cents flat of B♭: the tuning is −40 cents
    const t = tune(melody(440 * Math.pow(2, 60 / 1200)));
    expect(Math.abs(t!.cents - -40)).toBeLessThan(1);
  });

  it('reports nothing for silence and for white noise', () => {
    expect(tune(new Float32Array(SR * 3))).toBeNull();
    expect(tune(whiteNoise(SR * 3, 0.5))).toBeNull();
  });

  it('still reports loosely tuned music (two voices 45 cents apart), with its low consistency', () => {
    // two layers of the same melody, one 45 cents sharp (a detuned synth pad): the votes spread out
    const buf = melody(440);
    const sharp = melody(440 * Math.pow(2, 45 / 1200));
    const mix = buf.map((v, i) => v + sharp[i]);
    const t = tune(mix);
    expect(t).not.toBeNull();
    // below the harmony stage's WEAK_TUNING_CONSISTENCY: key and chords say they are less sure
    expect(t!.consistency).toBeLessThan(0.25);
    // white noise of the same length still reports nothing
    expect(tune(whiteNoise(SR * 6, 0.5))).toBeNull();
  });
});
