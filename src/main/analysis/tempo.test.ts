import { describe, expect, it } from 'vitest';
import { onsetFeatures } from './onset';
import { analyzeRhythm, MAX_BPM, MIN_BPM } from './rhythm';
import { grooveWithJump, meteredTrack, prng } from './rhythm-synth';
import { stft } from './spectrum';
import { ANALYSIS_SR, SHARED_HOP, SHARED_NFFT } from './stages';
import {
  acfTempogram,
  chooseBeatLevel,
  curveFromBeats,
  detrend,
  dottedBeatFactor,
  fastPulseNeed,
  median,
  periodPath,
  playedTempo,
  smoothDrift,
  tempoSteps,
  type MetricalLevel,
  type Tempogram,
  levelConfidences,
} from './tempo';

const lv = (bpm: number, salience: number, factor = 1): MetricalLevel => ({ bpm, salience, factor });

describe('chooseBeatLevel', () => {
  it('takes the fastest strong level when nothing faster is periodic (a 60 BPM ballad)', () => {
    const got = chooseBeatLevel([lv(30, 0.8), lv(60, 0.85), lv(120, 0.15)]);
    expect(got?.bpm).toBe(60);
  });

  it('keeps a fast beat that is as periodic as its half (180 with quarter-note hats)', () => {
    const got = chooseBeatLevel([lv(60, 0.92), lv(90, 0.94), lv(180, 0.9)]);
    expect(got?.bpm).toBe(180);
  });

  it('groups clear eighths at 180 into a 90 BPM beat when they are weaker than the beat', () => {
    const got = chooseBeatLevel([lv(45, 0.6), lv(90, 0.85), lv(180, 0.58)]);
    expect(got?.bpm).toBe(90);
  });

  it('groups a tatum above 200 BPM by two, or by three when its accents say so', () => {
    const levels = [lv(72, 0.9), lv(108, 0.8), lv(216, 0.85)];
    expect(chooseBeatLevel(levels, () => false)?.bpm).toBe(108);
    expect(chooseBeatLevel(levels, () => true)?.bpm).toBe(72);
  });

  it('drops a fast level the harmony calls a subdivision (a bar of eight pulses)', () => {
    const levels = [lv(46, 0.8), lv(93, 0.81), lv(186, 0.72)];
    expect(chooseBeatLevel(levels, undefined, () => true)?.bpm).toBe(186);
    expect(chooseBeatLevel(levels, undefined, () => false)?.bpm).toBe(93);
  });

  it('needs nothing at moderate tempi and parity at 200 BPM', () => {
    expect(fastPulseNeed(100)).toBe(0);
    expect(fastPulseNeed(200)).toBeCloseTo(1, 6);
    expect(fastPulseNeed(160)).toBeGreaterThan(fastPulseNeed(140));
  });

  it('returns null without any periodicity', () => {
    expect(chooseBeatLevel([])).toBeNull();
    expect(chooseBeatLevel([lv(100, 0), lv(200, 0)])).toBeNull();
  });
});

describe('curveFromBeats', () => {
  it('gives one point for a steady tempo, even with ±10 ms jitter', () => {
    let seed = 3;
    const jitter = (): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31 - 0.5) * 0.02;
    };
    const beats = Array.from({ length: 200 }, (_, i) => 1 + i * 0.5 + jitter());
    const { curve } = curveFromBeats(beats);
    expect(curve.length).toBe(1);
    expect(curve[0][1]).toBeCloseTo(120, 0);
  });

  it('reports a jump at its new tempo', () => {
    const beats: number[] = [];
    let t = 0;
    for (let i = 0; i < 40; i++, t += 0.6) beats.push(t);
    for (let i = 0; i < 40; i++, t += 0.45) beats.push(t);
    const { curve } = curveFromBeats(beats);
    expect(curve[0][1]).toBeCloseTo(100, 0);
    expect(curve[curve.length - 1][1]).toBeCloseTo(133.33, 0);
    expect(curve.length).toBeLessThanOrEqual(6);
  });

  it('is empty for fewer than two beats', () => {
    expect(curveFromBeats([1]).curve).toEqual([]);
  });
});

describe('beat level on audio', () => {
  it('a 90 BPM groove with quieter eighth notes is 90, not 180', () => {
    // a noise floor as in any recording: over digital silence a log-spectral flux hears every tick
    // as loud as a beat, which makes 90 and 180 truly ambiguous
    const tr = meteredTrack({ sr: ANALYSIS_SR, bpm: 90, beatsPerBar: 4, sub: 2, bars: 14, floor: 0.01 });
    const r = analyzeRhythm({ samples: tr.audio, sr: ANALYSIS_SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 90 - 1)).toBeLessThan(0.02);
    // the rejected octave is offered as an alternative with its own confidence
    const double = r.tempo!.alternatives.find((a) => a.factor === 2);
    expect(double?.bpm).toBeCloseTo(180, 0);
    expect(double!.confidence).toBeGreaterThan(0);
    expect(double!.confidence).toBeLessThan(1);
  });
});

function tempogramOf(audio: Float32Array): { tg: Tempogram; wide: Float32Array } {
  const spec = stft(audio, { sr: ANALYSIS_SR, nFft: SHARED_NFFT, hop: SHARED_HOP });
  const feat = onsetFeatures(spec);
  const tg = acfTempogram(detrend(feat.env, feat.fps), feat.fps, { minBpm: MIN_BPM / 2.2 });
  const wide = periodPath(tg, [(60 * feat.fps) / MAX_BPM, (60 * feat.fps) / MIN_BPM]);
  return { tg, wide };
}

const secOfColumn = (tg: Tempogram, w: number): number => (w * tg.hop) / tg.fps;

describe('tempoSteps', () => {
  it('finds no step in a song in one tempo', () => {
    const tr = meteredTrack({ sr: ANALYSIS_SR, bpm: 104, beatsPerBar: 4, sub: 2, bars: 24, floor: 0.01 });
    const { tg, wide } = tempogramOf(tr.audio);
    expect(Array.from(tempoSteps(tg, wide)).every((f) => f === 1)).toBe(true);
  });

  it('finds a sudden change 120 → 80 BPM, where it happens, as the ratio of the periods', () => {
    const { audio } = grooveWithJump(ANALYSIS_SR, [120, 80], 24, 54);
    const { tg, wide } = tempogramOf(audio);
    const steps = tempoSteps(tg, wide);
    const at = steps.findIndex((f) => f !== 1);
    expect(Math.abs(secOfColumn(tg, at) - 24)).toBeLessThan(4);
    expect(steps[steps.length - 1]).toBeCloseTo(1.5, 1);
    expect(Array.from(steps.subarray(at)).every((f) => f === steps[at])).toBe(true);
  });

  it('is no step when the wide path hops to another level and the beat goes on', () => {
    const tr = meteredTrack({ sr: ANALYSIS_SR, bpm: 100, beatsPerBar: 4, sub: 2, bars: 24, floor: 0.01 });
    const { tg } = tempogramOf(tr.audio);
    const beat = (60 * tg.fps) / 100;
    // a path that takes the beat for the first half and the eighths (or a 2/3 relative) for the
    // second, as a wide path may where the accents shift: the beat period runs on through both halves
    for (const ratio of [2, 1.5]) {
      const hop = Float32Array.from({ length: tg.nWin }, (_, w) => (w < tg.nWin / 2 ? beat : beat / ratio));
      expect(Array.from(tempoSteps(tg, hop)).every((f) => f === 1)).toBe(true);
    }
  });
});

describe('smoothDrift', () => {
  const ramp = Float32Array.from({ length: 200 }, (_, w) => 30 * (1 - (0.25 * w) / 199));
  const ones = new Float32Array(200).fill(1);

  it('gives a ramp as a factor around its level', () => {
    const d = smoothDrift(ramp, ones)!;
    expect(d).not.toBeNull();
    expect(d[0] / d[199]).toBeCloseTo(30 / 22.5, 5);
    expect(Array.from(d).sort((a, b) => a - b)[100]).toBeCloseTo(1, 2);
  });

  it('is null for a path that hops to another level, and not for a tempo step taken out', () => {
    const hop = ramp.map((p, w) => (w >= 120 ? p / 2 : p));
    expect(smoothDrift(hop, ones)).toBeNull();
    const steps = ones.map((_, w) => (w >= 120 ? 0.5 : 1));
    expect(smoothDrift(hop, steps)).not.toBeNull();
  });
});

describe('playedTempo', () => {
  it('is the median for a steady song and for a ramp', () => {
    const steady = Array.from({ length: 101 }, (_, i) => 120 + ((i * 7) % 5) - 2);
    expect(playedTempo(steady)).toBe(median(steady));
    const ramp = Array.from({ length: 200 }, (_, i) => 100 + (30 * i) / 199);
    expect(playedTempo(ramp)).toBe(median(ramp));
  });

  it('is one of the two tempi of a song that jumps halfway, never the in-between value', () => {
    const ibis = [...Array<number>(71).fill(108), 119, 126, ...Array<number>(71).fill(144)];
    expect(median(ibis)).toBeCloseTo(122.5, 6);
    expect([108, 144]).toContain(playedTempo(ibis));
    // the tempo held by more beats wins
    expect(playedTempo([...Array<number>(60).fill(108), 126, ...Array<number>(70).fill(144)])).toBe(144);
  });

  /** beat-to-beat tempi played loosely: each off by up to ±5 % (a fixed pseudo-random sequence) */
  const loose = (bpm: number, n: number, seed: number): number[] => {
    let s = seed;
    return Array.from({ length: n }, () => {
      s = (s * 1103515245 + 12345) % 2147483648;
      return bpm * (1 + (s / 2147483648 - 0.5) * 0.1);
    });
  };

  it('is the tempo held by the beats, not the tail the median sits in (72 loose beats at 108, 71 at 144)', () => {
    const ibis = [...loose(108, 72, 7), ...loose(144, 71, 8)];
    expect(median(ibis)).toBeGreaterThan(108 * 1.04);
    expect(Math.abs(playedTempo(ibis) / 108 - 1)).toBeLessThan(0.015);
  });

  it('keeps the median of a loosely played steady song and of a loosely played ramp', () => {
    const steady = loose(120, 150, 3);
    expect(playedTempo(steady)).toBe(median(steady));
    const ramp = Array.from({ length: 200 }, (_, i) => 88 + (28 * i) / 199).map(
      (b, i) => b * (1 + 0.04 * Math.sin(i * 2.4)),
    );
    expect(playedTempo(ramp)).toBe(median(ramp));
  });
});

describe('levelConfidences', () => {
  const levels = [
    { factor: 1, bpm: 100, salience: 0.6 },
    { factor: 2, bpm: 200, salience: 0.5 },
    { factor: 0.5, bpm: 50, salience: 0.2 },
    { factor: 4, bpm: 400, salience: 0.1 },
  ];
  it("rates each alternative by its salience against the beat's", () => {
    const c = levelConfidences(levels);
    const at = (f: number): number => c.alternatives.find((a) => a.factor === f)!.confidence;
    expect(at(2)).toBeCloseTo((0.5 * 0.5) / 1.1, 9);
    expect(at(0.5)).toBeCloseTo((0.2 * 0.2) / 0.8, 9);
  });
  it('takes another level as the beat: the alternatives are then relative to it', () => {
    const c = levelConfidences(levels, 2);
    const at = (f: number): number => c.alternatives.find((a) => a.factor === f)!.confidence;
    // half of the new beat is the old one (salience 0.6); twice it is factor 4 (0.1)
    expect(at(0.5)).toBeCloseTo((0.6 * 0.6) / 1.1, 9);
    expect(at(2)).toBeCloseTo((0.1 * 0.1) / 0.6, 9);
  });
});

describe('dottedBeatFactor: a bar holds a whole number of beats', () => {
  const FPS = ANALYSIS_SR / SHARED_HOP;
  /**
   * An onset-strength envelope: one bar's figure (eighth-note positions and strengths) repeated for
   * a minute and a half, each hit a short decaying peak, with a little seeded jitter in its strength.
   */
  function figure(bpm: number, eighthsPerBar: number, hits: [number, number][]): Float32Array {
    const eighth = 30 / bpm;
    const env = new Float32Array(Math.round(90 * FPS));
    const rnd = prng(3);
    for (let bar = 0; ; bar++) {
      const t0 = 0.5 + bar * eighthsPerBar * eighth;
      if (t0 + eighthsPerBar * eighth > 89) break;
      for (const [k, g] of hits) {
        const f = Math.round((t0 + k * eighth) * FPS);
        const a = g * (0.9 + 0.2 * rnd());
        for (let i = 0; i < 4; i++) env[f + i] += a * 0.5 ** i;
      }
    }
    return env;
  }
  /** the factor asked of a reading at `beatEighths` eighths per beat, held over the whole song */
  function factorOf(env: Float32Array, bpm: number, beatEighths: number): number {
    const tg = acfTempogram(detrend(env, FPS), FPS, { minBpm: MIN_BPM / 2.2 });
    const period = (30 / bpm) * beatEighths * FPS;
    const path = new Float32Array(tg.nWin).fill(period);
    return dottedBeatFactor(tg, path, (60 * FPS) / period, MAX_BPM);
  }
  // a 4/4 funk figure at 141 BPM: hits on 1, the & of 2, the & of 3 and 4 (eighths 0, 3, 5, 6) over soft quarters
  const funk = (): Float32Array =>
    figure(141, 8, [
      [0, 1],
      [3, 0.8],
      [5, 0.7],
      [6, 0.8],
      [0, 0.3],
      [2, 0.3],
      [4, 0.3],
      [6, 0.3],
    ]);

  it('moves a reading on the dotted quarter (3 eighths) to the quarter: ×3/2', () => {
    expect(factorOf(funk(), 141, 3)).toBe(3 / 2);
  });

  it('moves a reading on five eighths to the quarter: ×5/2', () => {
    expect(factorOf(funk(), 141, 5)).toBe(5 / 2);
  });

  it('keeps the quarter and the half note of the same figure', () => {
    expect(factorOf(funk(), 141, 2)).toBe(1);
    expect(factorOf(funk(), 141, 4)).toBe(1);
  });

  it('keeps a 3+3+2 figure with nothing on the beat on its dotted reading: no quarter pulse to move to', () => {
    expect(
      factorOf(
        figure(141, 8, [
          [0, 1],
          [3, 0.8],
          [6, 0.8],
        ]),
        141,
        3,
      ),
    ).toBe(1);
  });

  it('keeps 6/8 on its dotted quarter and 3/4 on its quarter (their bars are whole)', () => {
    // 6/8 at 70 dotted quarters: six eighths a bar, accents on 1 and 4
    const sixEight = figure((70 * 3) / 2, 6, [
      [0, 1],
      [1, 0.4],
      [2, 0.4],
      [3, 0.7],
      [4, 0.4],
      [5, 0.4],
    ]);
    expect(factorOf(sixEight, (70 * 3) / 2, 3)).toBe(1);
    // 3/4 at 150: bass on 1, chords on 2 and 3, eighths between
    const waltz = figure(150, 6, [
      [0, 1],
      [2, 0.6],
      [4, 0.6],
      [1, 0.2],
      [3, 0.2],
      [5, 0.2],
    ]);
    expect(factorOf(waltz, 150, 2)).toBe(1);
  });

  it('keeps a straight rock beat, at its quarter and at its half note', () => {
    const rock = figure(120, 8, [
      [0, 1],
      [2, 0.8],
      [4, 0.9],
      [6, 0.8],
      ...[1, 3, 5, 7].map((k): [number, number] => [k, 0.3]),
    ]);
    expect(factorOf(rock, 120, 2)).toBe(1);
    expect(factorOf(rock, 120, 4)).toBe(1);
  });

  it('never speeds a reading beyond the range', () => {
    expect(factorOf(funk(), 141, 3)).toBe(3 / 2);
    const tg = acfTempogram(detrend(funk(), FPS), FPS, { minBpm: MIN_BPM / 2.2 });
    const period = (30 / 141) * 3 * FPS;
    expect(dottedBeatFactor(tg, new Float32Array(tg.nWin).fill(period), 94, 130)).toBe(1);
  });
});
