import { describe, expect, it } from 'vitest';
import { analyzeRhythm, pitchedMayLead } from './rhythm';
import {
  grooveWithJump,
  meteredTrack,
  prng,
  softLegato,
  synth,
  whiteNoise,
  type SynthSpec,
} from './rhythm-synth';
import { ANALYSIS_SR, SHARED_HOP } from './stages';
import type { MetricalLevel } from './tempo';

const SR = ANALYSIS_SR;
const HOP_SEC = SHARED_HOP / SR;

/** Share of `est` within `tol` of some reference time, and of `ref` within `tol` of an estimate. */
function match(ref: number[], est: number[], tol: number): { precision: number; recall: number } {
  const near = (xs: number[], t: number): boolean => xs.some((x) => Math.abs(x - t) <= tol);
  return {
    precision: est.filter((t) => near(ref, t)).length / Math.max(1, est.length),
    recall: ref.filter((t) => near(est, t)).length / Math.max(1, ref.length),
  };
}

/** Step lookup in a tempo curve: the tempo holds from a point to the next. */
function tempoAt(curve: [number, number][], t: number): number {
  let bpm = curve[0][1];
  for (const [ti, b] of curve) if (ti <= t) bpm = b;
  return bpm;
}

function clickTrack(bpm: number, duration: number, start = 0.5): { audio: Float32Array; beats: number[] } {
  const beats: number[] = [];
  for (let t = start; t < duration - 0.5; t += 60 / bpm) beats.push(t);
  const hits: SynthSpec['hits'] = beats.map((t) => ({ t, kind: 'click' as const }));
  return { audio: synth({ sr: SR, duration, hits }), beats };
}

describe('analyzeRhythm on click tracks', () => {
  for (const bpm of [60, 100, 128, 180]) {
    it(`finds ${bpm} BPM and every beat within one hop`, () => {
      const { audio, beats } = clickTrack(bpm, 30);
      const r = analyzeRhythm({ samples: audio, sr: SR }, {});
      expect(r.stages.tempo.status).toBe('ok');
      expect(r.tempo).not.toBeNull();
      expect(Math.abs(r.tempo!.bpm_global / bpm - 1)).toBeLessThan(0.01);
      const m = match(beats, r.beats, HOP_SEC);
      expect(m.precision).toBe(1);
      expect(m.recall).toBeGreaterThan(0.95);
      // a steady tempo is one curve point
      expect(r.tempo!.curve.length).toBe(1);
      expect(r.tempo!.alternatives.map((a) => a.factor).sort()).toEqual([0.5, 0.667, 1.5, 2]);
      for (const a of r.tempo!.alternatives) expect(a.confidence).toBeLessThanOrEqual(1);
    });
  }
});

describe('a bar read as the beat', () => {
  /** a syncopated riff repeating every bar (16th positions 0, 3, 7, 10) over loud quarter clicks */
  function riffGroove(bpm: number, duration = 60): { audio: Float32Array; beats: number[] } {
    const beat = 60 / bpm;
    const hits: SynthSpec['hits'] = [];
    const beats: number[] = [];
    for (let bar = 0.5; bar + 4 * beat < duration - 0.5; bar += 4 * beat) {
      for (const p of [0, 3, 7, 10])
        hits.push({ t: bar + (p * beat) / 4, kind: p === 0 ? 'kick' : 'click', gain: p === 0 ? 1 : 0.8 });
      for (let q = 0; q < 4; q++) {
        hits.push({ t: bar + q * beat, kind: 'click', gain: 1.6 });
        beats.push(bar + q * beat);
      }
    }
    return { audio: synth({ sr: SR, duration, hits }), beats };
  }
  for (const bpm of [160, 170]) {
    it(`a riff groove at ${bpm} BPM whose bar is its strongest period is read at ${bpm}, not at ${bpm / 4}`, () => {
      const { audio, beats } = riffGroove(bpm);
      const r = analyzeRhythm({ samples: audio, sr: SR }, {});
      expect(Math.abs(r.tempo!.bpm_global / bpm - 1)).toBeLessThan(0.01);
      // beats on the quarters: every bar's four clicks found (the riff can pull a beat a 16th early)
      expect(match(beats, r.beats, 0.05).recall).toBeGreaterThan(0.5);
      expect(r.beats.length / beats.length).toBeGreaterThan(0.95);
    });
  }
  it('a slow pulse without periodic quarters stays slow', () => {
    const { audio } = clickTrack(50, 60);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / 50 - 1)).toBeLessThan(0.01);
  });
});

describe('a dotted beat', () => {
  it('a 3+3+2 kick figure over soft quarter ticks is read at its quarter, where its bars hold whole beats', () => {
    // kick on eighths 0, 3 and 6 of each bar, a click on 0 and on the & of 3; ticks on the quarters at
    // a fifth of the kick. Without the whole-bar test this reads 73 (the dotted quarter), 6/8
    const bpm = 110;
    const eighth = 30 / bpm;
    const hits: SynthSpec['hits'] = [];
    const beats: number[] = [];
    for (let bar = 0; bar < 28; bar++) {
      const t0 = 0.5 + bar * 8 * eighth;
      hits.push({ t: t0, kind: 'kick', gain: 1 }, { t: t0, kind: 'click', gain: 0.5 });
      hits.push(
        { t: t0 + 3 * eighth, kind: 'kick', gain: 0.8 },
        { t: t0 + 5 * eighth, kind: 'click', gain: 0.6 },
      );
      hits.push({ t: t0 + 6 * eighth, kind: 'kick', gain: 0.8 });
      for (let q = 0; q < 4; q++) {
        hits.push({ t: t0 + 2 * q * eighth, kind: 'tick', gain: 0.2 });
        beats.push(t0 + 2 * q * eighth);
      }
    }
    const audio = synth({ sr: SR, duration: 0.5 + 28 * 8 * eighth + 1, hits });
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    expect(Math.abs(r.tempo!.bpm_global / bpm - 1)).toBeLessThan(0.01);
    expect(r.meter).toEqual({ numerator: 4, denominator: 4 });
    expect(match(beats, r.beats, 0.05).recall).toBeGreaterThan(0.9);
  });
});

describe('meter and downbeats', () => {
  const cases = [
    { name: '4/4', bpm: 120, beatsPerBar: 4, sub: 2, num: 4, den: 4 },
    { name: '3/4', bpm: 100, beatsPerBar: 3, sub: 2, num: 3, den: 4 },
    // 6/8: the beat is the dotted quarter (70 per minute), eighths in threes, two beats a bar
    { name: '6/8', bpm: 70, beatsPerBar: 2, sub: 3, num: 6, den: 8 },
  ];
  for (const c of cases) {
    it(`recognises ${c.name} and its downbeats`, () => {
      const bars = Math.ceil((40 * c.bpm) / 60 / c.beatsPerBar);
      const tr = meteredTrack({ sr: SR, bpm: c.bpm, beatsPerBar: c.beatsPerBar, sub: c.sub, bars });
      const r = analyzeRhythm({ samples: tr.audio, sr: SR }, {});
      expect(r.meter).toEqual({ numerator: c.num, denominator: c.den });
      expect(Math.abs(r.tempo!.bpm_global / c.bpm - 1)).toBeLessThan(0.02);
      const m = match(tr.downbeats, r.downbeats, 0.05);
      expect(m.precision).toBeGreaterThan(0.95);
      expect(m.recall).toBeGreaterThan(0.9);
      // downbeats are beats
      for (const d of r.downbeats) expect(r.beats).toContain(d);
    });
  }
});

describe('tempo changes', () => {
  it('follows a ramp 90 → 120 BPM', () => {
    const beats: number[] = [];
    const truth = (t: number): number => (t < 5 ? 90 : t > 35 ? 120 : 90 + (30 * (t - 5)) / 30);
    for (let t = 0.5; t < 45; t += 60 / truth(t)) beats.push(t);
    const audio = synth({ sr: SR, duration: 46, hits: beats.map((t) => ({ t, kind: 'click' as const })) });
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    const curve = r.tempo!.curve;
    expect(curve.length).toBeGreaterThan(5);
    let ok = 0;
    let n = 0;
    for (let t = 3; t < 43; t += 0.1, n++) if (Math.abs(tempoAt(curve, t) / truth(t) - 1) < 0.04) ok++;
    expect(ok / n).toBeGreaterThan(0.9);
    expect(match(beats, r.beats, HOP_SEC).precision).toBeGreaterThan(0.95);
  });

  it('follows a sudden jump 100 → 130 BPM', () => {
    const beats: number[] = [];
    const truth = (t: number): number => (t < 20 ? 100 : 130);
    for (let t = 0.5; t < 40; t += 60 / truth(t)) beats.push(t);
    const audio = synth({ sr: SR, duration: 41, hits: beats.map((t) => ({ t, kind: 'click' as const })) });
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    const curve = r.tempo!.curve;
    expect(Math.abs(tempoAt(curve, 10) / 100 - 1)).toBeLessThan(0.02);
    expect(Math.abs(tempoAt(curve, 30) / 130 - 1)).toBeLessThan(0.02);
    // the change is reported close to where it happens
    const change = curve.find(([, b]) => b > 115);
    expect(change).toBeDefined();
    expect(Math.abs(change![0] - 20)).toBeLessThan(3);
    expect(match(beats, r.beats, HOP_SEC).precision).toBeGreaterThan(0.95);
  });

  it('follows 120 → 80 BPM to the new beat, not to its double (the eighths, still near the old tempo)', () => {
    const { audio, beats } = grooveWithJump(SR, [120, 80], 24, 54);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    const after = beats.filter((t) => t > 30);
    const got = r.beats.filter((t) => t > 30);
    // every beat after the change found, and no extra beat on the eighths between them
    const hit = after.filter((t) => got.some((g) => Math.abs(g - t) < 0.05)).length;
    expect(hit / after.length).toBeGreaterThan(0.95);
    expect(got.length).toBeLessThan(after.length * 1.1);
    expect(tempoAt(r.tempo!.curve, 40)).toBeCloseTo(80, 0);
    expect(tempoAt(r.tempo!.curve, 10)).toBeCloseTo(120, 0);
  });
});

describe('soft pitched music without drums', () => {
  for (const [bpm, attack] of [
    [72, 0.35],
    [100, 0.25],
    [132, 0.2],
  ] as const) {
    it(`finds the pulse of legato strings at ${bpm} BPM (attacks of ${attack * 1000} ms)`, () => {
      const t = softLegato({ sr: SR, bpm, bars: 16, attackSec: attack, seed: 5 });
      const r = analyzeRhythm({ samples: t.audio, sr: SR }, {});
      expect(r.stages.tempo.status).not.toBe('failed');
      expect(Math.abs(r.tempo!.bpm_global / bpm - 1)).toBeLessThan(0.04);
      // the beat is where a note starts to swell, not its peak: within a quarter of the attack
      expect(match(t.beats, r.beats, attack / 2 + 0.05).recall).toBeGreaterThan(0.8);
    });
  }

  it('the same notes at random moments (no pulse) fail honestly', () => {
    for (const seed of [5, 6]) {
      const t = softLegato({ sr: SR, bpm: 100, bars: 16, randomTimes: true, seed });
      const r = analyzeRhythm({ samples: t.audio, sr: SR }, {});
      expect(r.tempo).toBeNull();
      expect(r.stages.tempo).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/no periodic onsets/),
      });
    }
  });
});

describe('a faint pulse', () => {
  /** quiet kicks every 0.6 s (or at random moments) under white noise */
  const buried = (random: boolean): Float32Array => {
    const rnd = prng(8);
    const times = Array.from({ length: 97 }, (_, i) => (random ? 0.5 + rnd() * 58 : 0.5 + 0.6 * i));
    const x = synth({
      sr: SR,
      duration: 60,
      hits: times.map((t) => ({ t, kind: 'kick' as const, gain: 0.05 })),
    });
    const n = whiteNoise(SR, 60, 0.06, 4);
    for (let i = 0; i < x.length; i++) x[i] += n[i];
    return x;
  };

  it('is reported, marked weak, when it holds steadily over the song', () => {
    const r = analyzeRhythm({ samples: buried(false), sr: SR }, {});
    expect(r.stages.tempo.status).toBe('degraded');
    expect(r.stages.tempo.reason).toMatch(/weak pulse/);
    // 100 BPM or its double: the kicks alone do not say which
    const ratio = r.tempo!.bpm_global / 100;
    expect(Math.min(Math.abs(ratio - 1), Math.abs(ratio / 2 - 1))).toBeLessThan(0.02);
  });

  it('a minute of white noise is never taken for a faint pulse', () => {
    for (let seed = 1; seed <= 8; seed++) {
      const r = analyzeRhythm({ samples: whiteNoise(SR, 60, 0.1, seed), sr: SR }, {});
      expect(r.tempo).toBeNull();
    }
  });

  it('the same kicks at random moments are not a pulse', () => {
    const r = analyzeRhythm({ samples: buried(true), sr: SR }, {});
    expect(r.tempo).toBeNull();
    expect(r.stages.tempo.reason).toMatch(
      /no periodic onsets \(pulse salience 0\.\d\d, consistency 0\.\d\d\)/,
    );
  });

  it('is reported when its beats are sparse but their grouping is clearly periodic', () => {
    // ticks on 28 % of the beats at 120 BPM, a kick on every 3rd beat 55 % of the time: the beat level
    // reads 0.25 (below MIN_SALIENCE), the 3-beat level 0.36; the pulse exists, faint, at 120
    const rnd = prng(5);
    const ibi = 0.5;
    const hits: SynthSpec['hits'] = [];
    for (let i = 0; i < 120; i++) {
      const t = 0.5 + i * ibi;
      if (i % 3 === 0 && rnd() > 0.45) hits.push({ t, kind: 'kick' });
      if (rnd() > 0.72) hits.push({ t, kind: 'tick', gain: 0.3 * (0.5 + rnd()) });
    }
    const r = analyzeRhythm({ samples: synth({ sr: SR, duration: 61, hits }), sr: SR }, {});
    expect(r.stages.tempo).toMatchObject({ status: 'degraded', reason: expect.stringMatching(/weak pulse/) });
    expect(r.tempo!.bpm_global).toBeCloseTo(120, 0);
  });
});

describe('no invented rhythm', () => {
  it('silence: no tempo, no beats, stages failed', () => {
    const r = analyzeRhythm({ samples: new Float32Array(SR * 10), sr: SR }, {});
    expect(r.tempo).toBeNull();
    expect(r.beats).toEqual([]);
    expect(r.downbeats).toEqual([]);
    expect(r.meter).toBeNull();
    expect(r.stages.tempo.status).toBe('failed');
    expect(r.stages.tempo.reason).toMatch(/no periodic onsets/);
  });

  it('white noise: no tempo, stages failed', () => {
    for (const seed of [1, 2, 3]) {
      const r = analyzeRhythm({ samples: whiteNoise(SR, 20, 0.1, seed), sr: SR }, {});
      expect(r.tempo).toBeNull();
      expect(r.beats).toEqual([]);
      expect(r.stages.tempo).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/no periodic onsets/),
      });
    }
  });

  it('bursts at random times: no tempo invented', () => {
    const rnd = prng(5);
    const x = whiteNoise(SR, 30, 0.01, 9);
    for (let k = 0; k < 60; k++) {
      const s = Math.floor(rnd() * (x.length - 2000));
      for (let i = 0; i < 2000; i++) x[s + i] += 0.5 * Math.exp(-i / 300) * (rnd() * 2 - 1);
    }
    const r = analyzeRhythm({ samples: x, sr: SR }, {});
    expect(r.tempo).toBeNull();
    expect(r.stages.beats.status).toBe('failed');
  });

  it('a 4-second clip: either a plausible tempo or a stated failure, never a crash', () => {
    const { audio } = clickTrack(120, 4);
    const r = analyzeRhythm({ samples: audio, sr: SR }, {});
    if (r.tempo) expect(Math.abs(r.tempo.bpm_global / 120 - 1)).toBeLessThan(0.04);
    else expect(r.stages.tempo.status).toBe('failed');
    for (const d of r.downbeats) expect(r.beats).toContain(d);
  });

  it('too short: fails with a reason', () => {
    const r = analyzeRhythm({ samples: new Float32Array(1000), sr: SR }, {});
    expect(r.tempo).toBeNull();
    expect(r.stages.beats.status).toBe('failed');
  });

  it('honours an aborted signal', () => {
    const { audio } = clickTrack(120, 20);
    const ac = new AbortController();
    ac.abort();
    expect(() => analyzeRhythm({ samples: audio, sr: SR }, { signal: ac.signal })).toThrow(
      expect.objectContaining({ name: 'AbortError' }),
    );
  });

  it('reports progress up to 1', () => {
    const { audio } = clickTrack(120, 20);
    const seen: number[] = [];
    analyzeRhythm({ samples: audio, sr: SR }, { onProgress: (_s, f) => seen.push(f) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]);
  });
});

describe('the pitched envelope standing in for a weak broadband pulse', () => {
  const level = (bpm: number, salience: number): MetricalLevel => ({ factor: 1, bpm, salience });
  /** high-band onset strength: sharp sparse hits (a drum kit) or a flat texture (pads, strings) */
  const highBand = (drums: boolean): Float32Array => {
    const rnd = prng(2);
    return Float32Array.from({ length: 4000 }, (_, i) =>
      drums ? (i % 20 === 0 ? 5 + rnd() : 0.05 + 0.05 * rnd()) : 0.5 + 0.5 * rnd(),
    );
  };

  it('without drums leads with any level of its own', () => {
    for (const bpm of [128, 85, 64])
      expect(pitchedMayLead(level(128, 0.39), level(bpm, 0.5), highBand(false))).toBe(true);
  });

  it('with drums may confirm the broadband level but not replace it', () => {
    const drums = highBand(true);
    expect(pitchedMayLead(level(127.3, 0.39), level(128.1, 0.5), drums)).toBe(true);
    // a funk groove's notes on the dotted quarter, a shuffle's at half the tempo
    expect(pitchedMayLead(level(127.3, 0.39), level(84.9, 0.5), drums)).toBe(false);
    expect(pitchedMayLead(level(136, 0.37), level(68, 0.63), drums)).toBe(false);
  });

  it('leads when the broadband envelope chose no level at all', () => {
    expect(pitchedMayLead(null, level(90, 0.4), highBand(true))).toBe(true);
  });
});
