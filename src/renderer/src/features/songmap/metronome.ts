/**
 * Metronome on the detected (or corrected) beats, in sync with an <audio> element. Clicks are scheduled
 * on the Web Audio clock a little ahead (look-ahead scheduling), so timer jitter never shifts a click.
 */
export interface ClickSource {
  currentTime: number;
  paused: boolean;
  playbackRate: number;
}

const LOOKAHEAD = 0.15;

/** which beats fall in [from, from + LOOKAHEAD) and have not been scheduled: pure, for tests */
export function beatsToSchedule(
  beats: number[],
  from: number,
  after: number,
  lookahead = LOOKAHEAD,
): number[] {
  const out: number[] = [];
  for (const b of beats) if (b >= from && b < from + lookahead && b > after) out.push(b);
  return out;
}

export class Metronome {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private lastScheduled = -Infinity;
  private lastMediaTime = 0;

  constructor(
    private readonly media: ClickSource,
    private beats: number[],
    private downbeats: Set<number>,
  ) {}

  setGrid(beats: number[], downbeats: number[]): void {
    this.beats = beats;
    this.downbeats = new Set(downbeats);
    this.lastScheduled = -Infinity;
  }

  /** false where there is no Web Audio (the caller then says the metronome is unavailable) */
  static available(): boolean {
    return typeof AudioContext !== 'undefined';
  }

  start(): void {
    if (this.timer || !Metronome.available()) return;
    this.ctx ??= new AudioContext();
    void this.ctx.resume();
    this.lastScheduled = this.media.currentTime - 1e-3;
    this.timer = setInterval(() => this.tick(), 25);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  dispose(): void {
    this.stop();
    void this.ctx?.close();
    this.ctx = null;
  }

  private tick(): void {
    const ctx = this.ctx;
    if (!ctx || this.media.paused) return;
    const now = this.media.currentTime;
    // a seek (either way) restarts scheduling from the new position
    if (now < this.lastMediaTime - 0.05 || now > this.lastMediaTime + 0.5) this.lastScheduled = now - 1e-3;
    this.lastMediaTime = now;
    for (const b of beatsToSchedule(this.beats, now, this.lastScheduled)) {
      this.click(ctx, ctx.currentTime + (b - now) / (this.media.playbackRate || 1), this.downbeats.has(b));
      this.lastScheduled = b;
    }
  }

  private click(ctx: AudioContext, when: number, accent: boolean): void {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = accent ? 1760 : 1100; // downbeats higher and louder
    gain.gain.setValueAtTime(accent ? 0.6 : 0.35, when);
    gain.gain.exponentialRampToValueAtTime(0.001, when + 0.05);
    osc.connect(gain).connect(ctx.destination);
    osc.start(when);
    osc.stop(when + 0.06);
  }
}
