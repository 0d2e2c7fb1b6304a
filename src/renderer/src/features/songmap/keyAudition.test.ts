import { afterEach, describe, expect, it, vi } from 'vitest';
import { KeyAudition, cadence, cadenceLength, midiToHz, type AudioContextLike } from './keyAudition';

/** nearest MIDI note of a frequency at A4 = 440 */
const midi = (hz: number, a4 = 440) => Math.round(69 + 12 * Math.log2(hz / a4));
const pcs = (notes: { hz: number }[]) => [...new Set(notes.map((n) => midi(n.hz) % 12))].sort((a, b) => a - b);

describe('cadence', () => {
  it('plays I–IV–V–I of C major: C-E-G, F-A-C, G-B-D, C-E-G', () => {
    const c = cadence('C', 'major')!;
    const at = [...new Set(c.map((n) => n.at))];
    expect(at).toHaveLength(4);
    const chord = (i: number) => pcs(c.filter((n) => n.at === at[i]));
    expect(chord(0)).toEqual([0, 4, 7]);
    expect(chord(1)).toEqual([0, 5, 9]);
    expect(chord(2)).toEqual([2, 7, 11]);
    expect(chord(3)).toEqual([0, 4, 7]);
  });

  it('gives A minor a major V with the leading tone G#, and a minor tonic', () => {
    const c = cadence('A', 'minor')!;
    const at = [...new Set(c.map((n) => n.at))];
    expect(pcs(c.filter((n) => n.at === at[0]))).toEqual([0, 4, 9]); // A C E
    expect(pcs(c.filter((n) => n.at === at[1]))).toEqual([2, 5, 9]); // D F A
    expect(pcs(c.filter((n) => n.at === at[2]))).toEqual([4, 8, 11]); // E G# B
  });

  it('reads sharps and flats, and keeps every key in the same register', () => {
    expect(pcs(cadence('F#', 'major')!.slice(0, 4))).toEqual([1, 6, 10]);
    expect(pcs(cadence('Bb', 'minor')!.slice(0, 4))).toEqual([1, 5, 10]);
    for (const t of ['C', 'F#', 'B']) {
      const ms = cadence(t, 'major')!.map((n) => midi(n.hz));
      expect(Math.min(...ms)).toBeGreaterThanOrEqual(36);
      expect(Math.max(...ms)).toBeLessThanOrEqual(84);
    }
  });

  it('follows the song tuning, and ignores a tuning that cannot be one', () => {
    const a432 = cadence('A', 'major', 432)!;
    expect(a432.some((n) => Math.abs(n.hz - 432) < 1e-9)).toBe(true);
    expect(cadence('A', 'major', 5)!.some((n) => Math.abs(n.hz - 440) < 1e-9)).toBe(true);
    expect(midiToHz(69)).toBe(440);
  });

  it('refuses a tonic that is not a note', () => {
    expect(cadence('H', 'major')).toBeNull();
    expect(cadence('', 'minor')).toBeNull();
  });

  it('ends with a longer chord', () => {
    const c = cadence('D', 'major')!;
    expect(c.at(-1)!.dur).toBeGreaterThan(c[0].dur);
    expect(cadenceLength(c)).toBeCloseTo(c.at(-1)!.at + c.at(-1)!.dur, 9);
  });
});

function fakeContext() {
  const oscs: { hz: number; start: number; stop: number[]; type: string }[] = [];
  const param = () => ({
    value: 0,
    setValueAtTime: () => undefined,
    exponentialRampToValueAtTime: () => undefined,
  });
  const ctx = {
    currentTime: 10,
    destination: {},
    resume: vi.fn(async () => undefined),
    close: vi.fn(async () => undefined),
    createGain: () => ({ gain: param(), connect: (n: unknown) => n }),
    createOscillator: () => {
      const o = { hz: 0, start: -1, stop: [] as number[], type: 'sine' };
      oscs.push(o);
      return {
        frequency: {
          set value(v: number) {
            o.hz = v;
          },
        },
        set type(t: string) {
          o.type = t;
        },
        connect: (n: unknown) => n,
        start: (t: number) => void (o.start = t),
        stop: (t?: number) => void o.stop.push(t ?? -1),
      };
    },
  };
  return { ctx: ctx as unknown as AudioContextLike, oscs };
}

describe('KeyAudition', () => {
  afterEach(() => void vi.useRealTimers());

  it('schedules one voice per cadence note on the audio clock and reports the end', () => {
    vi.useFakeTimers();
    const { ctx, oscs } = fakeContext();
    const p = new KeyAudition(() => ctx);
    const onEnd = vi.fn();
    expect(p.play('G', 'major', 440, onEnd)).toBe(true);
    const notes = cadence('G', 'major')!;
    expect(oscs.map((o) => o.hz)).toEqual(notes.map((n) => n.hz));
    expect(oscs[0].start).toBeGreaterThan(10);
    expect(oscs.every((o) => o.stop.length === 1)).toBe(true);
    vi.advanceTimersByTime(cadenceLength(notes) * 1000 - 50);
    expect(onEnd).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('stop silences every voice at once and ends the audition', () => {
    vi.useFakeTimers();
    const { ctx, oscs } = fakeContext();
    const p = new KeyAudition(() => ctx);
    const onEnd = vi.fn();
    p.play('E', 'minor', 440, onEnd);
    p.stop();
    expect(oscs.every((o) => o.stop.length === 2)).toBe(true);
    expect(onEnd).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(5000);
    expect(onEnd).toHaveBeenCalledTimes(1);
  });

  it('says no without Web Audio or for a bad tonic', () => {
    expect(new KeyAudition(() => null).play('C', 'major', 440, () => undefined)).toBe(false);
    const { ctx, oscs } = fakeContext();
    expect(new KeyAudition(() => ctx).play('X#', 'major', 440, () => undefined)).toBe(false);
    expect(oscs).toHaveLength(0);
  });
});
