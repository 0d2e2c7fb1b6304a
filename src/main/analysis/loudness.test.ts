import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LoudnessMeter, kWeighting, loudnessResult, type LoudnessMeasurement } from './loudness';
import { CORPUS_DIR, haveCorpus } from '../testing/corpus';

/** Interleaved multi-channel signal from per-channel sample functions. */
function signal(sr: number, seconds: number, chans: ((i: number) => number)[]): Float32Array {
  const n = Math.round(sr * seconds);
  const C = chans.length;
  const x = new Float32Array(n * C);
  for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) x[i * C + c] = chans[c](i);
  return x;
}
const sine = (sr: number, f: number, dbfs: number, phase = 0) => {
  const a = 10 ** (dbfs / 20);
  return (i: number): number => a * Math.sin((2 * Math.PI * f * i) / sr + phase);
};
const silent = (): number => 0;
const concat = (...parts: Float32Array[]): Float32Array => {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function measure(sr: number, C: number, x: Float32Array, chunk = 4099): LoudnessMeasurement {
  const m = new LoudnessMeter(sr, C);
  for (let o = 0; o < x.length; o += chunk * C) m.push(x.subarray(o, Math.min(x.length, o + chunk * C)));
  return m.result();
}

describe('K-weighting', () => {
  it('matches the BS.1770 48 kHz coefficients', () => {
    const [shelf, hp] = kWeighting(48000);
    expect(shelf.b0).toBeCloseTo(1.53512485958697, 9);
    expect(shelf.b1).toBeCloseTo(-2.69169618940638, 9);
    expect(shelf.b2).toBeCloseTo(1.19839281085285, 9);
    expect(shelf.a1).toBeCloseTo(-1.69065929318241, 9);
    expect(shelf.a2).toBeCloseTo(0.73248077421585, 9);
    expect(hp.a1).toBeCloseTo(-1.99004745483398, 9);
    expect(hp.a2).toBeCloseTo(0.99007225036621, 9);
  });
});

describe('integrated loudness', () => {
  for (const sr of [44100, 48000]) {
    it(`a 0 dBFS 997 Hz sine on one channel reads −3.01 LUFS (${sr} Hz)`, () => {
      const r = measure(sr, 2, signal(sr, 5, [sine(sr, 997, 0), silent]));
      expect(r.integratedLufs!).toBeCloseTo(-3.01, 1);
      expect(Math.abs(r.integratedLufs! + 3.01)).toBeLessThan(0.02);
    });
    it(`a stereo 1 kHz sine at −23 dBFS reads −23.0 LUFS (EBU 3341 case 1, ${sr} Hz)`, () => {
      const r = measure(sr, 2, signal(sr, 20, [sine(sr, 1000, -23), sine(sr, 1000, -23)]));
      expect(Math.abs(r.integratedLufs! + 23)).toBeLessThan(0.05);
    });
  }

  it('gates quiet passages: −36/−23/−36 dBFS stereo reads −23.0 (EBU 3341 case 3)', () => {
    const sr = 48000;
    const part = (s: number, db: number) => signal(sr, s, [sine(sr, 1000, db), sine(sr, 1000, db)]);
    const x = concat(part(5, -36), part(20, -23), part(5, -36));
    const r = measure(sr, 2, x);
    expect(Math.abs(r.integratedLufs! + 23)).toBeLessThan(0.1);
  });

  it('ignores the LFE and weighs surrounds by 1.41 in 5.1', () => {
    const sr = 48000;
    const lfeOnly = measure(
      sr,
      6,
      signal(sr, 3, [sine(sr, 1000, -23), silent, silent, sine(sr, 60, 0), silent, silent]),
    );
    const left = measure(sr, 2, signal(sr, 3, [sine(sr, 1000, -23), silent]));
    expect(lfeOnly.integratedLufs!).toBeCloseTo(left.integratedLufs!, 6);
    const surround = measure(
      sr,
      6,
      signal(sr, 3, [silent, silent, silent, silent, sine(sr, 1000, -23), silent]),
    );
    expect(surround.integratedLufs! - left.integratedLufs!).toBeCloseTo(10 * Math.log10(1.41), 3);
  });

  it('is independent of how the stream is chunked', () => {
    const sr = 44100;
    const x = signal(sr, 6, [sine(sr, 440, -12), sine(sr, 660, -18)]);
    const a = measure(sr, 2, x, 7);
    const b = measure(sr, 2, x, 100_000);
    expect(a.integratedLufs).toBeCloseTo(b.integratedLufs!, 9);
    expect(a.truePeak).toBeCloseTo(b.truePeak, 9);
  });

  it('silence has no integrated loudness: the stage fails instead of reporting −∞', () => {
    const r = measure(44100, 2, new Float32Array(44100 * 4));
    expect(r.integratedLufs).toBeNull();
    const out = loudnessResult(r);
    expect(out.loudness).toBeNull();
    expect(out.stage.status).toBe('failed');
  });
});

describe('loudness range', () => {
  it('20 s at −20 dBFS then 20 s at −30 dBFS gives LRA 10 LU (EBU 3342 case 1)', () => {
    const sr = 48000;
    const part = (s: number, db: number) => signal(sr, s, [sine(sr, 1000, db), sine(sr, 1000, db)]);
    const r = measure(sr, 2, concat(part(20, -20), part(20, -30)));
    expect(Math.abs(r.lra! - 10)).toBeLessThan(0.1);
  });
  it('a steady tone has an LRA of 0', () => {
    const sr = 44100;
    const r = measure(sr, 1, signal(sr, 10, [sine(sr, 1000, -20)]));
    expect(r.lra!).toBeLessThan(0.05);
  });
});

/** Brute-force BS.1770 Annex 2 true peak: every sample, every phase, straight from the published taps. */
function bruteTruePeak(x: Float32Array): number {
  const h = [
    [
      0.001708984375, 0.010986328125, -0.0196533203125, 0.033203125, -0.0594482421875, 0.1373291015625,
      0.97216796875, -0.102294921875, 0.047607421875, -0.026611328125, 0.014892578125, -0.00830078125,
    ],
    [
      -0.0291748046875, 0.029296875, -0.0517578125, 0.089111328125, -0.16650390625, 0.465087890625,
      0.77978515625, -0.2003173828125, 0.1015625, -0.0582275390625, 0.0330810546875, -0.0189208984375,
    ],
  ];
  const phases = [h[0], h[1], [...h[1]].reverse(), [...h[0]].reverse()];
  let tp = 0;
  for (let j = 0; j < x.length + 11; j++) {
    for (const p of phases) {
      let y = 0;
      for (let k = 0; k < 12; k++) {
        const i = j - k;
        if (i >= 0 && i < x.length) y += p[k] * x[i];
      }
      tp = Math.max(tp, Math.abs(y));
    }
  }
  return tp;
}

describe('true peak equals a brute-force FIR', () => {
  it('on a long, rising, noisy signal that overflows the candidate pool (early flushes)', () => {
    const sr = 44100;
    const n = sr * 60; // 2.6 M samples > the 2 M-sample pool
    let seed = 12345;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    const x = Float32Array.from(
      { length: n },
      (_, i) => (0.2 + (0.7 * i) / n) * (0.6 * Math.sin(i / 3.1) + 0.4 * rnd()),
    );
    const r = measure(sr, 1, x, 8191);
    expect(r.truePeak).toBeCloseTo(bruteTruePeak(x), 6);
  });
});

describe('peaks and ReplayGain', () => {
  it('finds the inter-sample peak of a sine at fs/4 sampled 45° off its crest', () => {
    const sr = 48000;
    // samples land at ±0.354 while the waveform peaks at 0.5
    const r = measure(sr, 1, signal(sr, 1, [sine(sr, sr / 4, -6.0206, Math.PI / 4)]));
    expect(20 * Math.log10(r.samplePeak)).toBeCloseTo(-9.03, 1);
    expect(Math.abs(20 * Math.log10(r.truePeak) + 6.02)).toBeLessThan(0.5);
  });
  it('reports sample peak, true peak ≥ sample peak, and gain = −18 − LUFS', () => {
    const sr = 44100;
    const r = measure(sr, 2, signal(sr, 5, [sine(sr, 1000, -20), sine(sr, 1000, -20)]));
    const { loudness, stage } = loudnessResult(r);
    expect(stage.status).toBe('ok');
    expect(loudness!.sample_peak_dbfs).toBeCloseTo(-20, 1);
    expect(loudness!.true_peak_dbtp).toBeGreaterThanOrEqual(loudness!.sample_peak_dbfs);
    expect(loudness!.replaygain_track_gain_db).toBeCloseTo(-18 - loudness!.integrated_lufs, 2);
    expect(loudness!.replaygain_track_peak).toBeCloseTo(0.1, 3);
  });
});

const CORPUS = CORPUS_DIR;
describe.skipIf(!haveCorpus('loudness corpus test'))('against the corpus truth (ffmpeg ebur128)', () => {
  it('s14.wav (48 kHz PCM) integrated loudness within 0.1 LU of the truth', async () => {
    const { decodeFile } = await import('./decode');
    const { probeFile } = await import('./probe');
    const gt = JSON.parse(readFileSync(`${CORPUS}/gt/s14.gt.json`, 'utf8')) as {
      loudness: { integrated_lufs: number; lra: number };
    };
    const d = await decodeFile(await probeFile(`${CORPUS}/audio/s14.wav`));
    // the truth is ffmpeg's figure rounded to 0.1 LU, so ±0.05 of rounding plus our own error
    expect(Math.abs(d.loudness.integratedLufs! - gt.loudness.integrated_lufs)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(d.loudness.lra! - gt.loudness.lra)).toBeLessThan(1);
  });
});
