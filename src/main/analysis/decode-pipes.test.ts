/**
 * Where reader sockets cannot be made (Windows, a temp dir that refuses Unix sockets), ffmpeg's
 * outputs go through plain pipes: the decode must be exactly the same.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FFMPEG_PATH, decodeFile } from './decode';
import { probeFile } from './probe';

/** refuse: every reader pair, or only the second of a decode ('second') */
const ctl = vi.hoisted(() => ({
  refuse: false as boolean | 'second',
  refused: 0,
  calls: 0,
  made: [] as import('./reader-socket').ReaderPair[],
}));
vi.mock('./reader-socket', async (importOriginal) => {
  const real = await importOriginal<typeof import('./reader-socket')>();
  return {
    ...real,
    readerPair: async (...args: Parameters<typeof real.readerPair>) => {
      const call = ctl.calls++;
      if (ctl.refuse === true || (ctl.refuse === 'second' && call % 2 === 1)) {
        ctl.refused++;
        throw new Error('no Unix sockets here');
      }
      const pair = await real.readerPair(...args);
      ctl.made.push(pair);
      return pair;
    },
  };
});

const dir = mkdtempSync(join(tmpdir(), 'decode-pipes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('decode through pipes', () => {
  it('gives the same samples, loudness and waveform as through reader sockets', async () => {
    const mp3 = join(dir, 'tones.mp3');
    // two sines, one per channel, as a stereo MP3
    const lavfi = (hz: number): string[] => ['-f', 'lavfi', '-i', `sine=frequency=${hz}:duration=6`];
    execFileSync(FFMPEG_PATH, [
      ...['-nostdin', '-v', 'error', '-y', ...lavfi(440), ...lavfi(660)],
      ...['-filter_complex', 'amerge=inputs=2', '-c:a', 'libmp3lame', '-b:a', '128k', mp3],
    ]);
    const viaSockets = await decodeFile(await probeFile(mp3));
    ctl.refuse = true;
    const viaPipes = await decodeFile(await probeFile(mp3));
    ctl.refuse = false;
    expect(ctl.refused).toBeGreaterThan(0); // the pipe path really ran
    expect(viaPipes.audio.samples.length).toBeGreaterThan(5.9 * 22050);
    expect(viaPipes.audio.samples).toEqual(viaSockets.audio.samples);
    expect(viaPipes.loudness).toEqual(viaSockets.loudness);
    expect(viaPipes.waveform).toEqual(viaSockets.waveform);
    expect(viaPipes.warnings).toEqual(viaSockets.warnings);

    // the first pair made, the second refused: pipes again, and the lone pair is closed, not leaked
    ctl.refuse = 'second';
    ctl.calls = 0;
    ctl.made = [];
    const afterHalf = await decodeFile(await probeFile(mp3));
    ctl.refuse = false;
    expect(afterHalf.audio.samples).toEqual(viaSockets.audio.samples);
    expect(ctl.made).toHaveLength(1);
    expect(ctl.made[0].ours.destroyed).toBe(true);
    expect(ctl.made[0].child.destroyed).toBe(true);
  });
});
