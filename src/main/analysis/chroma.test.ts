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
});
