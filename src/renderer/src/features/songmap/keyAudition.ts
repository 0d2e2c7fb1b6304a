/**
 * Hearing a key before accepting it: a short cadence (I–IV–V–I, minor i–iv–V–i with the leading tone)
 * played with Web Audio, tuned to the song's own A4 so it sits on the recording rather than beside it.
 */
import { Note } from '@tonaljs/tonal';

export interface CadenceNote {
  /** seconds from the start of the cadence */
  at: number;
  dur: number;
  hz: number;
}

export const CHORD_SEC = 0.55;
const GAP_SEC = 0.05;
/** the last chord rings longer, so the ear hears it as home */
const LAST_SEC = 1.1;

/** semitones above the tonic of each chord's root, and its third (major or minor) */
const DEGREES: Record<'major' | 'minor', { root: number; third: 3 | 4 }[]> = {
  major: [
    { root: 0, third: 4 },
    { root: 5, third: 4 },
    { root: 7, third: 4 },
    { root: 0, third: 4 },
  ],
  // harmonic minor: a major V, whose third is the leading tone that defines the key
  minor: [
    { root: 0, third: 3 },
    { root: 5, third: 3 },
    { root: 7, third: 4 },
    { root: 0, third: 3 },
  ],
};

export function midiToHz(midi: number, a4Hz = 440): number {
  return a4Hz * 2 ** ((midi - 69) / 12);
}

/**
 * The notes of the cadence, or null when the tonic is not a note name. Chords are voiced close around
 * middle C (tonic between C4 and B4) with the root doubled an octave below, so every key sounds alike.
 */
export function cadence(tonic: string, mode: 'major' | 'minor', a4Hz = 440): CadenceNote[] | null {
  const chroma = Note.chroma(tonic);
  if (chroma == null || Number.isNaN(chroma)) return null;
  const tuning = Number.isFinite(a4Hz) && a4Hz > 400 && a4Hz < 480 ? a4Hz : 440;
  const home = 60 + chroma;
  const out: CadenceNote[] = [];
  const chords = DEGREES[mode];
  chords.forEach((c, i) => {
    const at = i * CHORD_SEC;
    const dur = i === chords.length - 1 ? LAST_SEC : CHORD_SEC - GAP_SEC;
    // IV and V above the tonic would climb out of range: fold their roots down below 7 semitones
    const root = home + (c.root > 6 ? c.root - 12 : c.root);
    for (const midi of [root - 12, root, root + c.third, root + 7])
      out.push({ at, dur, hz: midiToHz(midi, tuning) });
  });
  return out;
}

/** total length of a cadence in seconds */
export function cadenceLength(notes: CadenceNote[]): number {
  return notes.reduce((end, n) => Math.max(end, n.at + n.dur), 0);
}

/** the part of AudioContext the player uses (tests pass a recording fake) */
export type AudioContextLike = Pick<
  AudioContext,
  'currentTime' | 'destination' | 'createOscillator' | 'createGain' | 'resume' | 'close'
>;

export class KeyAudition {
  private ctx: AudioContextLike | null = null;
  private voices: OscillatorNode[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  private onEnd: (() => void) | null = null;

  constructor(
    private readonly makeContext: () => AudioContextLike | null = () =>
      typeof AudioContext === 'undefined' ? null : new AudioContext(),
  ) {}

  static available(): boolean {
    return typeof AudioContext !== 'undefined';
  }

  /** plays the cadence (stopping any other first); `onEnd` runs when it has rung out or is stopped. False when there is no Web Audio or no such note. */
  play(tonic: string, mode: 'major' | 'minor', a4Hz: number, onEnd: () => void): boolean {
    this.stop();
    const notes = cadence(tonic, mode, a4Hz);
    if (!notes) return false;
    this.ctx ??= this.makeContext();
    const ctx = this.ctx;
    if (!ctx) return false;
    void ctx.resume();
    const t0 = ctx.currentTime + 0.05;
    for (const n of notes) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      // a triangle is soft enough for four voices at once and still clearly pitched
      osc.type = 'triangle';
      osc.frequency.value = n.hz;
      const start = t0 + n.at;
      const end = start + n.dur;
      gain.gain.setValueAtTime(0.0001, start);
      gain.gain.exponentialRampToValueAtTime(0.12, start + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, end);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start);
      osc.stop(end + 0.02);
      this.voices.push(osc);
    }
    this.onEnd = onEnd;
    this.timer = setTimeout(
      () => {
        this.timer = null;
        this.voices = [];
        this.onEnd = null;
        onEnd();
      },
      (cadenceLength(notes) + 0.1) * 1000,
    );
    return true;
  }

  stop(): void {
    for (const v of this.voices) {
      try {
        v.stop();
      } catch {
        /* already stopped */
      }
    }
    this.voices = [];
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
      const end = this.onEnd;
      this.onEnd = null;
      end?.();
    }
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close();
    this.ctx = null;
  }
}
