import { describe, expect, it } from 'vitest';
import {
  alternation,
  backbeatSaysDouble,
  beatsOnTheKick,
  betweenBeats,
  pulseAutocorrelation,
  pulsesAreEighths,
  lowOffBeatRatio,
  OFF_BEAT_LOW,
  doubledGrid,
  drumsGroupPulses,
  MIN_PERCUSSIVE,
  percussiveness,
  pulsesAlternate,
} from './backbeat';
import { onsetFeatures } from './onset';
import { stft } from './spectrum';
import { analyzeRhythm } from './rhythm';
import { synth, whiteNoise, type SynthSpec } from './rhythm-synth';
import { ANALYSIS_SR } from './stages';

const SR = ANALYSIS_SR;

/**
 * A drum groove: `kicks` and `snares` give the beats (within a 4-beat bar) that get a kick or a snare;
 * hi-hat ticks on every eighth of the beat (`hat` on the beat, `offHat` between; quiet by default).
 */
function groove(
  bpm: number,
  bars: number,
  kicks: number[],
  snares: number[],
  hat = 0.3,
  offHat = hat,
): { audio: Float32Array; beats: number[] } {
  const ibi = 60 / bpm;
  const hits: SynthSpec['hits'] = [];
  const beats: number[] = [];
  for (let i = 0; i < bars * 4; i++) {
    const t = 0.5 + i * ibi;
    beats.push(t);
    if (kicks.includes(i % 4)) hits.push({ t, kind: 'kick' });
    if (snares.includes(i % 4)) hits.push({ t, kind: 'click' });
    hits.push({ t, kind: 'tick', gain: hat }, { t: t + ibi / 2, kind: 'tick', gain: offHat });
  }
  return { audio: synth({ sr: SR, duration: 1 + bars * 4 * ibi, hits }), beats };
}

/** Envelope with a unit peak at each given frame. */
const peaks = (n: number, at: number[]): Float32Array => {
  const e = new Float32Array(n);
  for (const f of at) e[f] = 1;
  return e;
};

describe('alternation', () => {
  const grid = Array.from({ length: 16 }, (_, i) => 10 + 10 * i);
  it('is 1 when kick and snare take turns, 0 when every position is the same', () => {
    const low = peaks(
      200,
      grid.filter((_, i) => i % 2 === 0),
    );
    const high = peaks(
      200,
      grid.filter((_, i) => i % 2 === 1),
    );
    expect(alternation(grid, low, high)).toBeCloseTo(1, 6);
    expect(alternation(grid, peaks(200, grid), peaks(200, grid))).toBe(0);
  });

  it('is 0 when the in-between positions are simply empty (a ternary subdivision read as halves)', () => {
    const beats = grid.filter((_, i) => i % 2 === 0);
    const low = peaks(200, beats);
    const high = peaks(
      200,
      beats.map((f) => f + 1),
    );
    expect(alternation(doubledGrid(beats.map((f) => f)), low, high)).toBe(0);
  });

  /** Envelope with the given height at each grid position, by parity (even, odd). */
  const byParity = (even: number, odd: number): Float32Array => {
    const e = new Float32Array(200);
    grid.forEach((f, i) => (e[f] = i % 2 === 0 ? even : odd));
    return e;
  };

  it('needs the snare side to be at least as bright as the kick side (hats on both sides are no snare)', () => {
    const low = byParity(1, 0);
    const all = byParity(1, 1);
    // kick + hat on the beat, a hat alone between: the low band alternates, the crack does not
    expect(alternation(grid, low, byParity(1, 0.8), all)).toBe(0);
    // a snare between the kicks: brighter than the kick's side
    expect(alternation(grid, low, byParity(0.3, 1), all)).toBeGreaterThan(0.6);
  });

  it('with a broadband envelope, needs both sides hit about as hard', () => {
    const low = byParity(1, 0);
    const high = byParity(0, 1);
    expect(alternation(grid, low, high, byParity(1, 0.9))).toBeGreaterThan(0.6);
    // the odd positions are a faint ghost of the even ones: not a kick-snare pair
    expect(alternation(grid, low, high, byParity(1, 0.3))).toBe(0);
  });

  it('needs enough positions', () => {
    expect(alternation([1, 2, 3], peaks(10, [1]), peaks(10, [2]))).toBe(0);
  });
});

describe('backbeat decides the octave', () => {
  it('a kick-snare backbeat at 216 BPM is 216, not the 108 its periodicities also allow', () => {
    const { audio, beats } = groove(216, 40, [0, 2], [1, 3]);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 216 - 1)).toBeLessThan(0.02);
    expect(r.beats.length).toBeGreaterThan(0.9 * beats.length);
  });

  it('the same groove at 108 BPM stays 108 (its eighth-note hats do not make it 216)', () => {
    const { audio } = groove(108, 24, [0, 2], [1, 3]);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 108 - 1)).toBeLessThan(0.02);
  });

  it('a kick on every beat under loud eighth-note hats accented on the beat (boogie, disco) stays at the kick', () => {
    // kick, hat, kick, hat … alternates in the low band and is as loud between as on the beat; only the
    // crack rule (the side between the kicks is no brighter than the kick's side) keeps it at 109
    const { audio } = groove(109, 24, [0, 1, 2, 3], [], 0.6, 0.45);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 109 - 1)).toBeLessThan(0.02);
  });
});

describe('backbeatSaysDouble', () => {
  const fps = SR / 512;
  const features = (audio: Float32Array) => onsetFeatures(stft(audio, { sr: SR, nFft: 2048, hop: 512 }));
  it('says double for every other beat of a backbeat, not for the beats themselves', () => {
    const { audio, beats } = groove(200, 16, [0, 2], [1, 3]);
    const f = features(audio);
    const frames = beats.map((t) => t * fps);
    expect(
      backbeatSaysDouble(
        frames.filter((_, i) => i % 2 === 0),
        f.low,
        f.high,
      ),
    ).toBe(true);
    expect(backbeatSaysDouble(frames, f.low, f.high)).toBe(false);
  });

  it('four-on-the-floor kicks with a clap on 2 and 4 do not alternate at the doubled grid', () => {
    const { audio, beats } = groove(120, 16, [0, 1, 2, 3], [1, 3]);
    const f = features(audio);
    expect(
      backbeatSaysDouble(
        beats.map((t) => t * fps),
        f.low,
        f.high,
      ),
    ).toBe(false);
  });

  it('bass and chords taking turns without drums (oom-pah) are no backbeat', () => {
    const bpm = 200;
    const ibi = 60 / bpm;
    const n = Math.round((1 + 64 * ibi) * SR);
    const x = new Float32Array(n);
    const tone = (t0: number, freqs: number[], amp: number): void => {
      const a = Math.round(t0 * SR);
      for (let i = a; i < Math.min(n, a + Math.round(0.25 * SR)); i++) {
        const t = (i - a) / SR;
        for (const f of freqs) x[i] += amp * Math.exp(-t / 0.08) * Math.sin(2 * Math.PI * f * t);
      }
    };
    const beats: number[] = [];
    for (let i = 0; i < 64; i++) {
      const t = 0.5 + i * ibi;
      beats.push(t * fps);
      if (i % 2 === 0) tone(t, [65.4], 0.5);
      else tone(t, [261.6, 329.6, 392], 0.15);
    }
    // a quiet room tone, as every recording has (digital silence would make any high onset a spike)
    const floor = whiteNoise(SR, n / SR, 0.002, 3);
    for (let i = 0; i < n; i++) x[i] += floor[i];
    const f = features(x);
    expect(percussiveness(f.high)).toBeLessThan(MIN_PERCUSSIVE);
    expect(
      backbeatSaysDouble(
        beats.filter((_, i) => i % 2 === 0),
        f.low,
        f.high,
      ),
    ).toBe(false);
  });
});

describe('pulsesAlternate', () => {
  const fps = SR / 512;
  const features = (audio: Float32Array) => onsetFeatures(stft(audio, { sr: SR, nFft: 2048, hop: 512 }));
  it('is true along the beats of a kick-snare backbeat, false along a kick on every beat', () => {
    const backbeat = groove(200, 16, [0, 2], [1, 3]);
    const f = features(backbeat.audio);
    const frames = backbeat.beats.map((t) => t * fps);
    expect(pulsesAlternate(frames, f.low, f.high, f.env)).toBe(true);
    const floor = groove(200, 16, [0, 1, 2, 3], [], 0.6, 0.45);
    const g = features(floor.audio);
    expect(
      pulsesAlternate(
        floor.beats.map((t) => t * fps),
        g.low,
        g.high,
        g.env,
      ),
    ).toBe(false);
  });

  it('is false without drums, however the pulses take turns', () => {
    const low = new Float32Array(400);
    const high = new Float32Array(400);
    const pulses = Array.from({ length: 32 }, (_, i) => 10 + 10 * i);
    // every onset sounds alike in the high band: no sharp, sparse drum hits there
    high.fill(0.5);
    pulses.forEach((f, i) => (i % 2 === 0 ? (low[f] = 1) : (high[f] = 0.6)));
    expect(percussiveness(high)).toBeLessThan(MIN_PERCUSSIVE);
    expect(pulsesAlternate(pulses, low, high)).toBe(false);
  });
});

describe('drumsGroupPulses', () => {
  const pulses = Array.from({ length: 48 }, (_, i) => 10 + 10 * i);
  /** broadband onset strength at each pulse by its phase in groups of `heights.length` */
  const strengths = (heights: number[]): Float32Array => {
    const e = new Float32Array(500);
    pulses.forEach((f, i) => (e[f] = heights[i % heights.length]));
    return e;
  };
  // a sharp, sparse high band: a drum kit is there
  const drums = strengths([1, 1]);
  it('groups by 2 when only every other pulse carries a drum hit (eighth-note hats under a slow beat)', () => {
    expect(drumsGroupPulses(pulses, drums, strengths([1, 0.3]))).toBe(2);
    expect(drumsGroupPulses(pulses, drums, strengths([0.3, 1]))).toBe(2);
  });
  it('groups by 3 when only every third pulse does (the eighths of a slow 6/8)', () => {
    expect(drumsGroupPulses(pulses, drums, strengths([1, 0.3, 0.2]))).toBe(3);
  });
  it('keeps pulses that are all hit about as hard, or hit harder than hats between', () => {
    expect(drumsGroupPulses(pulses, drums, strengths([1, 1]))).toBe(1);
    expect(drumsGroupPulses(pulses, drums, strengths([1, 0.6]))).toBe(1);
    expect(drumsGroupPulses(pulses, drums, strengths([1, 0.6, 0.3]))).toBe(1);
  });
  it('needs drums and enough pulses', () => {
    const pad = new Float32Array(500).fill(0.5);
    expect(drumsGroupPulses(pulses, pad, strengths([1, 0.3]))).toBe(1);
    expect(drumsGroupPulses(pulses.slice(0, 12), drums, strengths([1, 0.3]))).toBe(1);
  });
});

describe('beats on the kick, not the off-beat', () => {
  const beats = Array.from({ length: 40 }, (_, i) => 10 + 20 * i);
  const mids = beats.slice(0, -1).map((f) => f + 10);
  // a sharp, sparse high band (a drum kit): spikes over a low floor
  const drums = peaks(900, [...beats, ...mids]).map((v) => v + 0.01);

  it('measures the low band between the beats against on them', () => {
    expect(lowOffBeatRatio(beats, peaks(900, beats))).toBe(0);
    expect(lowOffBeatRatio(beats, peaks(900, mids))).toBe(Infinity);
    const both = peaks(900, [...beats, ...mids]);
    expect(lowOffBeatRatio(beats, both)).toBeCloseTo(1, 6);
  });

  it('moves the beats half a beat when the kick and bass hit between them, with drums', () => {
    const moved = beatsOnTheKick(beats, peaks(900, mids), drums, 900);
    expect(moved).toEqual([...mids, beats[beats.length - 1] + 10]);
    // the carried-on last beat stays inside the audio
    expect(beatsOnTheKick(beats, peaks(900, mids), drums, beats[beats.length - 1] + 5)).toEqual(mids);
  });

  it('moves them when the off-beats carry clearly more low end: bass and chords pushed between the kicks', () => {
    // a kick on every tracked beat, and the bass's pushes between them 1.75× as strong
    const low = peaks(900, beats);
    for (const f of mids) low[f] = 1.75;
    expect(lowOffBeatRatio(beats, low)).toBeCloseTo(1.75, 6);
    expect(beatsOnTheKick(beats, low, drums, 900)).toEqual([...mids, beats[beats.length - 1] + 10]);
    // …but not a bass only a little stronger between them (right readings measure up to 1.54)
    for (const f of mids) low[f] = 1.5;
    expect(beatsOnTheKick(beats, low, drums, 900)).toBeNull();
  });

  it('keeps beats the kick is on, a bass as strong on the off-beats as on the beats, and music without drums', () => {
    expect(beatsOnTheKick(beats, peaks(900, beats), drums, 900)).toBeNull();
    // an octave bass between kicks on every beat: ratio 1, well under OFF_BEAT_LOW
    expect(beatsOnTheKick(beats, peaks(900, [...beats, ...mids]), drums, 900)).toBeNull();
    expect(OFF_BEAT_LOW).toBeGreaterThan(1.5);
    const pads = new Float32Array(900).fill(0.5);
    expect(beatsOnTheKick(beats, peaks(900, mids), pads, 900)).toBeNull();
  });

  it('puts the beats of a groove with loud off-beat stabs on its kicks (the tracker alone locks to the stabs)', () => {
    const ibi = 0.5;
    const hits: SynthSpec['hits'] = [];
    for (let i = 0; i < 120; i++) {
      const t = 0.5 + i * ibi;
      hits.push({ t, kind: 'kick', gain: 0.5 }, { t, kind: 'tick', gain: 0.3 });
      hits.push({ t: t + ibi / 2, kind: 'click', gain: 1 }, { t: t + ibi / 2, kind: 'tick', gain: 0.3 });
    }
    const r = analyzeRhythm({ samples: synth({ sr: SR, duration: 62, hits }), sr: SR }, {});
    expect(r.tempo!.bpm_global).toBeCloseTo(120, 0);
    const inner = r.beats.filter((t) => t > 5 && t < 55);
    expect(inner.length).toBeGreaterThan(90);
    for (const t of inner) {
      const ph = ((t - 0.5) / ibi) % 1;
      expect(Math.min(ph, 1 - ph)).toBeLessThan(0.1);
    }
  });
});

describe('eighths read as beats', () => {
  const pulses = Array.from({ length: 64 }, (_, i) => 10 + 12 * i);
  /** an envelope with the given height at each pulse by its phase in a cycle of heights.length, plus extra peaks */
  const on = (heights: number[], extra: [number, number][] = []): Float32Array => {
    const e = new Float32Array(800);
    pulses.forEach((f, i) => (e[f] = heights[i % heights.length]));
    for (const [f, v] of extra) e[f] = v;
    return e;
  };
  const drums = on([1]);
  const everyPulse = on([1]);

  it('measures the onsets between the pulses (halfway or at the thirds) against on them', () => {
    expect(betweenBeats(pulses, everyPulse)).toBe(0);
    const halves = on(
      [1],
      pulses.slice(0, -1).map((f) => [f + 6, 1]),
    );
    expect(betweenBeats(pulses, halves)).toBeCloseTo(1, 6);
    const thirds = on(
      [1],
      pulses.slice(0, -1).map((f) => [f + 8, 0.5]),
    );
    expect(betweenBeats(pulses, thirds)).toBeCloseTo(0.5, 6);
  });

  it('reads the autocorrelation of the strength on the pulses', () => {
    const once = on([1, 0, 0, 0]);
    expect(pulseAutocorrelation(pulses, once, 4)).toBeCloseTo(60 / 64, 6);
    expect(pulseAutocorrelation(pulses, once, 2)).toBeLessThan(-0.3);
    expect(pulseAutocorrelation(pulses, on([1, 0]), 2)).toBeGreaterThan(0.9);
    expect(pulseAutocorrelation(pulses, on([1]), 2)).toBe(0);
  });

  it('takes a kick pattern of eighths with nothing between the pulses for eighths', () => {
    // 1, the & of 1 and the & of 2 of a slow rock beat, on the eighths; 1 and the & of 2
    expect(pulsesAreEighths(pulses, on([1, 0.6, 0.05, 0.6]), drums, everyPulse)).toBe(true);
    expect(pulsesAreEighths(pulses, on([1, 0.05, 0.4, 0.6]), drums, everyPulse)).toBe(true);
  });

  it('keeps pulses with onsets between them, a bass every 2 or 3 pulses, a kick once in 4, and music without drums', () => {
    const rock = on([1, 0.6, 0.05, 0.6]);
    // sixteenths between the pulses: these are the beats of a busy groove
    const busy = on(
      [1],
      pulses.slice(0, -1).map((f) => [f + 6, 0.5]),
    );
    expect(pulsesAreEighths(pulses, rock, drums, busy)).toBe(false);
    // a country two-beat (bass on 1 and 3) and a waltz (bass on 1 of 3)
    expect(pulsesAreEighths(pulses, on([1, 0.1]), drums, everyPulse)).toBe(false);
    expect(pulsesAreEighths(pulses, on([1, 0.1, 0.1]), drums, everyPulse)).toBe(false);
    // a low band whose pattern takes 8 pulses, not 4 (a bass figure two bars of quarters long)
    expect(pulsesAreEighths(pulses, on([1, 0, 0, 0, 0, 0.8, 0, 0]), drums, everyPulse)).toBe(false);
    // one kick every 4 pulses, alone or with a snare's low end on the others
    expect(pulsesAreEighths(pulses, on([1, 0, 0, 0]), drums, everyPulse)).toBe(false);
    expect(pulsesAreEighths(pulses, on([1, 0.5, 0.5, 0.5]), drums, everyPulse)).toBe(false);
    // no drum kit: a flat high band
    expect(pulsesAreEighths(pulses, rock, new Float32Array(800).fill(0.5), everyPulse)).toBe(false);
    expect(pulsesAreEighths(pulses.slice(0, 20), rock, drums, everyPulse)).toBe(false);
  });

  /** hits on a pulse grid: `fn` gives kick, snare and hat gains by the pulse's phase in `per` */
  const onGrid = (
    bpm: number,
    n: number,
    per: number,
    fn: (p: number) => { kick?: number; snare?: number; hat?: number },
  ): Float32Array => {
    const ibi = 60 / bpm;
    const hits: SynthSpec['hits'] = [];
    for (let i = 0; i < n; i++) {
      const t = 0.5 + i * ibi;
      const h = fn(i % per);
      if (h.kick) hits.push({ t, kind: 'kick', gain: h.kick });
      if (h.snare) hits.push({ t, kind: 'click', gain: h.snare });
      if (h.hat) hits.push({ t, kind: 'tick', gain: h.hat });
    }
    return synth({ sr: SR, duration: 1 + n * ibi, hits });
  };
  /** the largest distance of a beat inside the song from the grid of `ibi`, in beats */
  const offGrid = (beats: number[], ibi: number): number =>
    Math.max(
      ...beats
        .filter((t) => t > 5 && t < beats[beats.length - 1] - 5)
        .map((t) => {
          const ph = ((t - 0.5) / ibi) % 1;
          return Math.min(ph, 1 - ph);
        }),
    );

  it('reads a slow rock groove at its tempo, not on its eighths (the tracker alone takes the eighths)', () => {
    // 76 BPM: kick on 1 and the & of 2, snare on 2 and 4, a hat on every eighth, nothing between them
    const audio = onGrid(152, 320, 4, (p) => ({
      kick: p === 0 ? 1 : p === 3 ? 0.7 : 0,
      snare: p === 2 ? 1 : 0,
      hat: 0.4,
    }));
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(r.tempo!.bpm_global).toBeCloseTo(76, 0);
    expect(offGrid(r.beats, 60 / 76)).toBeLessThan(0.05);
  });

  it('keeps a two-beat at 150 and a waltz at 150, nothing between their beats either, and a kick once a bar', () => {
    const twoBeat = onGrid(150, 300, 2, (p) => ({ kick: p === 0 ? 1 : 0, snare: p === 1 ? 1 : 0, hat: 0.4 }));
    const waltz = onGrid(150, 300, 3, (p) => ({ kick: p === 0 ? 1 : 0, snare: p > 0 ? 0.7 : 0, hat: 0.4 }));
    const onceABar = onGrid(120, 240, 4, (p) => ({ kick: p === 0 ? 1 : 0, snare: 0.8, hat: 0.4 }));
    for (const [audio, bpm] of [
      [twoBeat, 150],
      [waltz, 150],
      [onceABar, 120],
    ] as const) {
      const r = analyzeRhythm({ samples: audio, sr: SR }, {});
      expect(r.tempo!.bpm_global).toBeCloseTo(bpm, 0);
    }
  });
});
