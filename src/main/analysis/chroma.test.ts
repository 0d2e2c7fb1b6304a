import { describe, expect, it } from 'vitest';
import { beatBoundaries, extendGrid, MIDI_LO, pitchSalience } from './chroma';
import type { SpectralPeaks } from './harmony-peaks';

describe('beat grid helpers', () => {
  it('continues the grid at the median period through lead-in and tail', () => {
    const g = extendGrid([2, 2.5, 3, 3.5], 5);
    expect(g.map((x) => Math.round(x * 100) / 100)).toEqual([0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(extendGrid([1], 5)).toEqual([1]);
  });

  it('turns beats into segment boundaries covering the audio, dropping slivers', () => {
    expect(beatBoundaries([0, 1, 1.01, 2, 3, 7], 3.02)).toEqual([0, 1, 2, 3.02]);
  });
});

describe('pitchSalience', () => {
  const peaks = (freqs: number[]): SpectralPeaks => ({
    nFrames: 1,
    hopSec: 0.05,
    offsets: Uint32Array.from([0, freqs.length]),
    freq: Float32Array.from(freqs),
    mag: Float32Array.from(freqs.map(() => 1)),
    globalMax: 1,
  });

  it('maps peaks to semitones relative to the detected A4', () => {
    const at440 = pitchSalience(peaks([440]), 440);
    expect(at440.sal[69 - MIDI_LO]).toBeCloseTo(1, 5);
    // 432 Hz is A4 when the song is tuned to 432, and between G#4 and A4 when tuned to 440
    const at432 = pitchSalience(peaks([432]), 432);
    expect(at432.sal[69 - MIDI_LO]).toBeCloseTo(1, 5);
    const off = pitchSalience(peaks([432]), 440);
    expect(off.sal[69 - MIDI_LO]).toBeLessThan(0.8);
  });

  describe('without overtones', () => {
    const frame = (pairs: [number, number][]): SpectralPeaks => ({
      ...peaks(pairs.map(([f]) => f)),
      mag: Float32Array.from(pairs.map(([, m]) => m)),
    });
    const A2 = 110;
    const at = (ps: ReturnType<typeof pitchSalience>, midi: number): number => ps.sal[midi - MIDI_LO];
    it("leaves out a peak at 5× a louder peak's frequency: the major third a loud A2 makes", () => {
      // 550 Hz ≈ C#5, the 5th harmonic, quieter than the A2 under it; 330 Hz ≈ E4 (the 3rd) stays
      const p = frame([
        [A2, 1],
        [3 * A2, 0.4],
        [5 * A2, 0.3],
      ]);
      const plain = pitchSalience(p, 440);
      const without = pitchSalience(p, 440, undefined, { withoutOvertones: true });
      expect(at(plain, 73)).toBeGreaterThan(0.2);
      expect(at(without, 73)).toBe(0);
      for (const m of [45, 64]) expect(at(without, m)).toBeCloseTo(at(plain, m), 6);
    });
    it('keeps a peak louder than the note under it, a peak off the harmonic, and octaves', () => {
      // a loud C#5 over a quiet A2 is a note of its own; 4× (A4) is the note's own pitch class; 560 Hz is off by 31 cents
      const p = frame([
        [A2, 0.2],
        [4 * A2, 0.3],
        [5 * A2, 0.5],
      ]);
      const without = pitchSalience(p, 440, undefined, { withoutOvertones: true });
      expect(Array.from(without.sal)).toEqual(Array.from(pitchSalience(p, 440).sal));
      const off = frame([
        [A2, 1],
        [5 * A2 * 2 ** (31 / 1200), 0.3],
      ]);
      expect(Array.from(pitchSalience(off, 440, undefined, { withoutOvertones: true }).sal)).toEqual(
        Array.from(pitchSalience(off, 440).sal),
      );
    });
  });
});
