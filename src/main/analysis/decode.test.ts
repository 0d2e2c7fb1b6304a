import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FFMPEG_PATH,
  FrameJoiner,
  MIN_DURATION_SEC,
  decodeFile,
  ffmpegFirstLine,
  inputErrors,
  mapFfmpegError,
  type DecodeOptions,
  monoShortfallSec,
  releaseAnalysisBuffer,
} from './decode';
import { helperPid } from './launcher';
import { probeFile } from './probe';
import { encodeWav } from './wav';
import { CORPUS_DIR, haveCorpus } from '../testing/corpus';
import { codeOf } from '../testing/code-of';

const dir = mkdtempSync(join(tmpdir(), 'decode-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Stereo test signal: 440 Hz left, 660 Hz right, −12 dBFS. */
function tone(sr: number, seconds: number, channels = 2): Float32Array {
  const n = Math.round(sr * seconds);
  const x = new Float32Array(n * channels);
  for (let i = 0; i < n; i++)
    for (let c = 0; c < channels; c++)
      x[i * channels + c] = 0.25 * Math.sin((2 * Math.PI * (440 + 220 * c) * i) / sr);
  return x;
}

const write = (name: string, data: Buffer): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const ffmpeg = (...args: string[]): void => {
  execFileSync(FFMPEG_PATH, ['-nostdin', '-hide_banner', '-v', 'error', '-y', ...args]);
};
const decode = async (p: string, opts?: DecodeOptions) => decodeFile(await probeFile(p), opts);

let mp3: string;
beforeAll(() => {
  mp3 = join(dir, 'tone.mp3');
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=440:duration=4',
    '-ac',
    '2',
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    mp3,
  );
});

describe('native WAV decode', () => {
  for (const [bits, float, sr] of [
    [16, false, 44100],
    [24, false, 48000],
    [8, false, 22050],
    [32, true, 96000],
    [64, true, 44100],
  ] as const) {
    it(`${bits}-bit ${float ? 'float' : 'int'} at ${sr} Hz → 22050 Hz mono, loudness and waveform`, async () => {
      const p = write(
        `t${bits}${float}${sr}.wav`,
        encodeWav(tone(sr, 2), { sampleRate: sr, channels: 2, bits, float, extensible: bits === 24 }),
      );
      const d = await decode(p, { decoder: 'native' });
      expect(d.decoder).toBe('native-wav');
      expect(d.sourceSampleRate).toBe(sr);
      expect(d.sourceChannels).toBe(2);
      expect(d.durationSec).toBeCloseTo(2, 6);
      expect(d.audio.sr).toBe(22050);
      expect(d.audio.samples.length).toBe(Math.ceil((2 * sr * 22050) / sr));
      // mono = mean of the two tones: peak close to 0.5 (two 0.25 sines adding in phase at times)
      const peak = d.audio.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.2);
      expect(peak).toBeLessThanOrEqual(0.26);
      expect(d.loudness.integratedLufs).not.toBeNull();
      expect(d.waveform.levels[0].max.length).toBe(Math.ceil(d.audio.samples.length / 256));
      expect(d.warnings).toEqual([]);
    });
  }

  it('native and ffmpeg decoders agree on the same WAV (alignment and level)', async () => {
    const p = write('agree.wav', encodeWav(tone(44100, 2), { sampleRate: 44100, channels: 2 }));
    const a = await decode(p, { decoder: 'native' });
    const b = await decode(p, { decoder: 'ffmpeg' });
    expect(b.decoder).toMatch(/^ffmpeg/);
    expect(b.audio.samples.length).toBe(a.audio.samples.length);
    let maxDiff = 0;
    for (let i = 500; i < a.audio.samples.length - 500; i++)
      maxDiff = Math.max(maxDiff, Math.abs(a.audio.samples[i] - b.audio.samples[i]));
    expect(maxDiff).toBeLessThan(0.01);
    expect(b.loudness.integratedLufs!).toBeCloseTo(a.loudness.integratedLufs!, 3);
  });

  it('auto: a 22050 Hz WAV is decoded in TS, a 44.1 kHz WAV by ffmpeg (its C resampler measured faster)', async () => {
    const a = await decode(
      write('sr22.wav', encodeWav(tone(22050, 1.5), { sampleRate: 22050, channels: 2 })),
    );
    expect(a.decoder).toBe('native-wav');
    const b = await decode(
      write('sr44.wav', encodeWav(tone(44100, 1.5), { sampleRate: 44100, channels: 2 })),
    );
    expect(b.decoder).toMatch(/^ffmpeg/);
  });

  it('hands a µ-law WAV (not PCM) to ffmpeg', async () => {
    const p = join(dir, 'mulaw.wav');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', 'pcm_mulaw', p);
    const d = await decode(p);
    expect(d.decoder).toMatch(/^ffmpeg/);
    expect(d.durationSec).toBeCloseTo(2, 2);
  });
});

describe('bounded memory for long files', () => {
  it('caps the analysis buffer but measures loudness and waveform over the whole file, and says so', async () => {
    const p = write('capped.wav', encodeWav(tone(22050, 4), { sampleRate: 22050, channels: 2 }));
    const d = await decode(p, { maxAnalysisSec: 1.5 });
    expect(d.durationSec).toBeCloseTo(4, 6);
    expect(d.audio.samples.length).toBe(Math.floor(1.5 * 22050));
    expect(d.waveform.levels[0].max.length).toBe(Math.ceil((4 * 22050) / 256));
    expect(d.loudness.durationSec).toBeCloseTo(4, 6);
    expect(d.warnings.join()).toMatch(/first 1.5 s of 4 s/);
  });
});

describe('the analysis signal as it arrives (onAnalysisSamples)', () => {
  it('hands over growing prefixes of the final signal, capped like it, while ffmpeg decodes', async () => {
    const p = write('prefix.wav', encodeWav(tone(44100, 14), { sampleRate: 44100, channels: 2 }));
    const seen: Float32Array[] = [];
    const d = await decode(p, {
      decoder: 'ffmpeg',
      maxAnalysisSec: 12,
      onAnalysisSamples: (x) => seen.push(x.slice()), // a view: read (here, copied) at once
    });
    expect(seen.length).toBeGreaterThan(1);
    for (let i = 1; i < seen.length; i++) expect(seen[i].length).toBeGreaterThan(seen[i - 1].length);
    const final = d.audio.samples;
    expect(final.length).toBe(12 * 22050);
    expect(seen.at(-1)!.length).toBe(final.length);
    for (const prefix of seen) expect(prefix).toStrictEqual(final.slice(0, prefix.length));
    expect(d.timings.features).toBeGreaterThan(0);
  });

  it('is not called where this thread decodes or resamples itself (nothing to wait on)', async () => {
    const p = write('prefix-native.wav', encodeWav(tone(22050, 3), { sampleRate: 22050, channels: 2 }));
    const mp3 = join(dir, 'prefix.mp3');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-ac', '2', mp3);
    for (const [file, opts] of [
      [p, { decoder: 'native' }],
      [mp3, { resampler: 'js' }],
    ] as const) {
      let calls = 0;
      const d = await decode(file, { ...opts, onAnalysisSamples: () => void calls++ });
      expect(d.audio.samples.length).toBeGreaterThan(2 * 22050);
      expect(calls).toBe(0);
    }
  });
});

describe('hostile WAV headers', () => {
  it('data chunk claiming gigabytes: decodes what is there and says the file is truncated', async () => {
    const b = encodeWav(tone(44100, 2), { sampleRate: 44100, channels: 2 });
    b.writeUInt32LE(0x7fffffff, 40);
    const d = await decode(write('huge-claim.wav', b));
    expect(d.durationSec).toBeCloseTo(2, 6);
    expect(d.warnings.join()).toMatch(/truncated/);
  });
  it('header only, claiming a gigabyte of data → E_TRUNCATED', async () => {
    const b = encodeWav(new Float32Array(0), { sampleRate: 44100, channels: 2 });
    b.writeUInt32LE(1 << 30, 40);
    expect(await codeOf(decode(write('header-only.wav', b)))).toBe('E_TRUNCATED');
  });
  it('a 1-sample WAV → E_TOO_SHORT', async () => {
    expect(
      await codeOf(
        decode(write('one.wav', encodeWav(Float32Array.from([0.5]), { sampleRate: 44100, channels: 1 }))),
      ),
    ).toBe('E_TOO_SHORT');
    expect(MIN_DURATION_SEC).toBe(1);
  });
  it('0 channels, 255 channels, 0 Hz → E_CORRUPT_AUDIO', async () => {
    const make = (f: (b: Buffer) => void, name: string): string => {
      const b = encodeWav(tone(8000, 1.5, 1), { sampleRate: 8000, channels: 1 });
      f(b);
      return write(name, b);
    };
    expect(await codeOf(decode(make((b) => b.writeUInt16LE(0, 22), 'ch0.wav')))).toBe('E_CORRUPT_AUDIO');
    expect(await codeOf(decode(make((b) => b.writeUInt16LE(255, 22), 'ch255.wav')))).toBe('E_CORRUPT_AUDIO');
    expect(await codeOf(decode(make((b) => b.writeUInt32LE(0, 24), 'hz0.wav')))).toBe('E_CORRUPT_AUDIO');
  });
  it('NaN / Inf float samples → E_CORRUPT_AUDIO', async () => {
    const x = tone(8000, 2, 1);
    x[5000] = NaN;
    expect(
      await codeOf(
        decode(write('nan.wav', encodeWav(x, { sampleRate: 8000, channels: 1, bits: 32, float: true }))),
      ),
    ).toBe('E_CORRUPT_AUDIO');
    x[5000] = Infinity;
    expect(
      await codeOf(
        decode(write('inf.wav', encodeWav(x, { sampleRate: 8000, channels: 1, bits: 32, float: true }))),
      ),
    ).toBe('E_CORRUPT_AUDIO');
  });
});

describe('compressed formats through ffmpeg', () => {
  it('decodes an MP3 gaplessly to its real length', async () => {
    const d = await decode(mp3);
    expect(d.decoder).toMatch(/^ffmpeg/);
    expect(d.sourceSampleRate).toBe(44100);
    expect(Math.abs(d.durationSec - 4)).toBeLessThan(0.03);
    expect(d.warnings).toEqual([]);
    expect(d.loudness.integratedLufs).not.toBeNull();
  });
  for (const [ext, codec] of [
    ['flac', 'flac'],
    ['ogg', 'libvorbis'],
    ['opus', 'libopus'],
    ['m4a', 'aac'],
    ['aiff', 'pcm_s16be'],
  ] as const) {
    it(`decodes ${ext}`, async () => {
      const p = join(dir, `tone.${ext}`);
      ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:a', codec, p);
      const pr = await probeFile(p);
      const d = await decodeFile(pr);
      expect(Math.abs(d.durationSec - 2)).toBeLessThan(0.05);
      expect(d.audio.samples.length).toBeGreaterThan(0.95 * 2 * 22050);
    });
  }
  it('downmixes 5.1 to the mean of its channels (no clipping) and measures loudness on all six', async () => {
    const p = join(dir, 'six.flac');
    // the same 0.5-amplitude tone on every channel: the mono mean keeps 0.5
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'sine=frequency=440:duration=2,volume=-2.5dB',
      '-af',
      'pan=5.1|c0=c0|c1=c0|c2=c0|c3=c0|c4=c0|c5=c0',
      '-c:a',
      'flac',
      p,
    );
    const d = await decode(p);
    expect(d.sourceChannels).toBe(6);
    const peak = d.audio.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const inPeak = 10 ** (-2.5 / 20) / 8; // lavfi sine is at 1/8 full scale
    expect(peak).toBeGreaterThan(inPeak * 0.9);
    expect(peak).toBeLessThan(inPeak * 1.1);
    expect(d.loudness.integratedLufs).not.toBeNull();
  });
  it('a cut MP3 decodes what is there and is flagged as truncated', async () => {
    const full = readFileSync(mp3);
    const d = await decode(write('cut.mp3', full.subarray(0, Math.floor(full.length / 2))));
    expect(d.durationSec).toBeGreaterThan(1.5);
    expect(d.durationSec).toBeLessThan(2.5);
    expect(d.warnings.join()).toMatch(/truncated/);
  });
  it('an MP3 cut after its first frames → E_TRUNCATED', async () => {
    expect(await codeOf(decode(write('tiny.mp3', readFileSync(mp3).subarray(0, 300))))).toBe('E_TRUNCATED');
  });
  it('an ID3 tag followed by garbage → E_UNSUPPORTED_FORMAT', async () => {
    const junk = Buffer.alloc(20000);
    for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
    const p = write(
      'id3junk.mp3',
      Buffer.concat([Buffer.from('ID3\x04\0\0\0\0\0\x0a', 'latin1'), Buffer.alloc(10), junk]),
    );
    expect(await codeOf(decode(p))).toBe('E_UNSUPPORTED_FORMAT');
  });
  it('a FLAC cut far before its declared length → E_TRUNCATED; an M4A without its moov atom → E_TRUNCATED', async () => {
    const flac = join(dir, 'long.flac');
    ffmpeg('-f', 'lavfi', '-i', 'anoisesrc=d=20:a=0.3', '-c:a', 'flac', flac);
    expect(await codeOf(decode(write('cut.flac', readFileSync(flac).subarray(0, 12000))))).toBe(
      'E_TRUNCATED',
    );
    const m4a = join(dir, 'moov-last.m4a');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=3', '-c:a', 'aac', m4a);
    expect(await codeOf(decode(write('cut.m4a', readFileSync(m4a).subarray(0, 4000))))).toBe('E_TRUNCATED');
  });
  it('a video without an audio stream → E_UNSUPPORTED_FORMAT, message without decoder internals', async () => {
    const p = join(dir, 'video.mp4');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=duration=1:size=32x32', '-c:v', 'mpeg4', p);
    await expect(decode(p)).rejects.toMatchObject({
      code: 'E_UNSUPPORTED_FORMAT',
      message: expect.not.stringMatching(/0x[0-9a-f]+|\//),
    });
  });
  it('an abort kills the decoder promptly', async () => {
    const long = join(dir, 'long.mp3');
    ffmpeg('-f', 'lavfi', '-i', 'sine=frequency=440:duration=120', '-c:a', 'libmp3lame', '-b:a', '64k', long);
    const ac = new AbortController();
    const t0 = Date.now();
    const p = decode(long, { signal: ac.signal, onProgress: () => ac.abort() });
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(Date.now() - t0).toBeLessThan(5000);
  }, 30_000);

  it.skipIf(process.platform === 'win32')(
    'a decoder helper that dies mid-song fails that decode with a reason, and the next decode works',
    async () => {
      const long = join(dir, 'long-helper.mp3');
      ffmpeg(
        '-f',
        'lavfi',
        '-i',
        'sine=frequency=440:duration=120',
        '-c:a',
        'libmp3lame',
        '-b:a',
        '64k',
        long,
      );
      await decode(mp3); // the helper is up
      const helper = helperPid();
      expect(helper).not.toBeNull();
      let killed = false;
      const p = decode(long, {
        onProgress: () => {
          if (!killed) process.kill(helper!, 'SIGKILL');
          killed = true;
        },
      });
      await expect(p).rejects.toMatchObject({
        code: 'E_DECODE',
        message: 'decoder error: the decoder helper stopped',
      });
      const next = await decode(mp3);
      expect(next.durationSec).toBeCloseTo(4, 1);
      expect(helperPid()).not.toBe(helper);
    },
    30_000,
  );
});

const CORPUS = CORPUS_DIR;
describe.skipIf(!haveCorpus('decoder delay corpus test'))('decoder delay against the corpus truth', () => {
  // the truth is aligned to ffmpeg's gapless decode; the first note sounds ~2-5 ms after the grid time
  for (const id of ['s01', 's09']) {
    it(`${id}: the first onset lands 0–6 ms after music.start_sec and the length matches`, async () => {
      const gt = JSON.parse(readFileSync(`${CORPUS}/gt/${id}.gt.json`, 'utf8')) as {
        audio: string;
        duration_sec: number;
        music: { start_sec: number };
      };
      const d = await decode(`${CORPUS}/audio/${gt.audio}`);
      const x = d.audio.samples;
      const peak = x.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let i = 0;
      while (Math.abs(x[i]) < 0.01 * peak) i++;
      const diffMs = (i / d.audio.sr - gt.music.start_sec) * 1000;
      expect(diffMs).toBeGreaterThanOrEqual(0);
      expect(diffMs).toBeLessThan(6);
      expect(Math.abs(d.durationSec - gt.duration_sec)).toBeLessThan(1e-3);
    });
  }
});

describe('FrameJoiner', () => {
  it('cuts any chunking of a byte stream into the same whole frames, keeping split frames for the next chunk', () => {
    const bytes = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 37) % 256));
    // chunk sizes that split frames of 8 bytes everywhere, including chunks shorter than a frame
    for (const sizes of [[102, 333, 1, 2, 3, 559], [7, 7, 7, 979], [1000], [500, 500]]) {
      const j = new FrameJoiner(8);
      const out: Buffer[] = [];
      let at = 0;
      for (const n of sizes) {
        const whole = j.push(bytes.subarray(at, at + n));
        expect(whole.length % 8).toBe(0);
        out.push(Buffer.from(whole)); // a view: copied before the next push
        at += n;
      }
      expect(Buffer.concat(out)).toEqual(bytes.subarray(0, 1000 - (1000 % 8)));
    }
  });
});

describe('ffmpeg messages shown to the user', () => {
  const stderr =
    '\n  [f32le @ 0x3161f780] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 1 >= 1\n' +
    '[mp3 @ 0x55d0c0] second line\n';
  it('keep the first line without context pointers, and the file name instead of its path', () => {
    expect(ffmpegFirstLine(stderr, 'song.ogg')).toBe(
      'Application provided invalid, non monotonically increasing dts to muxer in stream 0: 1 >= 1',
    );
    expect(
      ffmpegFirstLine(
        'file:/home/someone/private/song.mp3: Invalid data found when processing input',
        'song.mp3',
      ),
    ).toBe('song.mp3: Invalid data found when processing input');
    expect(ffmpegFirstLine(stderr, 'song.ogg', 20)).toHaveLength(20);
    expect(ffmpegFirstLine('', 'x')).toBe('decoder failed');
  });
  it('leave out the complaints about writing our own outputs: they are no input errors', () => {
    // a file whose packets repeat a timestamp makes the raw PCM muxer complain; every sample is still written
    expect(inputErrors(stderr)).toBe('[mp3 @ 0x55d0c0] second line');
    expect(
      inputErrors(
        '[f32le @ 0x1] Application provided invalid, non monotonically increasing dts to muxer in stream 0: 9 >= 9\n',
      ),
    ).toBe('');
    expect(inputErrors('[mp3float @ 0x2] Header missing\n')).toBe('[mp3float @ 0x2] Header missing');
  });
  it('a shorter analysis output than the native one is reported; a resampler block is not', () => {
    const format = { sampleRate: 44100, channels: 2 } as Parameters<typeof monoShortfallSec>[0]['format'];
    expect(monoShortfallSec({ format, frames: 44100 * 60, monoFrames: 22050 * 60 })).toBe(0);
    expect(monoShortfallSec({ format, frames: 44100 * 60, monoFrames: 22050 * 60 - 512 })).toBe(0);
    expect(monoShortfallSec({ format, frames: 44100 * 60, monoFrames: 22050 * 59.5 })).toBeCloseTo(0.5, 6);
    expect(monoShortfallSec({ format, frames: 0, monoFrames: 0 })).toBe(0);
  });
  it('map to specific codes', () => {
    const e = mapFfmpegError('[mp3 @ 0x1] file:/a/b.mp3: Invalid data found when processing input', 'b.mp3');
    expect(e.code).toBe('E_UNSUPPORTED_FORMAT');
    expect(e.message).not.toMatch(/0x|\/a\//);
  });
});

describe('the analysis buffer kept between songs', () => {
  it('takes the next song, which reads only its own samples', async () => {
    // 22050 Hz mono: the native decoder, straight into the analysis buffer
    // (songs long enough that the buffer sized from the probed length + 1 s is handed out as a view)
    const long = write('long.wav', encodeWav(tone(22050, 20, 1), { sampleRate: 22050, channels: 1 }));
    const quiet = tone(22050, 12, 1).map((v) => v * 0.1);
    const short = write('short.wav', encodeWav(quiet, { sampleRate: 22050, channels: 1 }));
    const fresh = (await decode(short)).audio.samples.slice();
    const first = await decode(long);
    releaseAnalysisBuffer(first.audio.samples);
    const next = await decode(short);
    expect(next.audio.samples.buffer).toBe(first.audio.samples.buffer); // the same memory…
    expect(next.audio.samples).toEqual(fresh); // …holding the new song only (the old one's tail unseen)
    // taken: the song after gets its own until this one is handed back
    const other = await decode(short);
    expect(other.audio.samples.buffer).not.toBe(next.audio.samples.buffer);
  });
});
