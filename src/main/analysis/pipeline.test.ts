import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SongMapSchema, STAGE_NAMES } from '../../shared/songmap';
import { FFMPEG_PATH } from './decode';
import { analyzeFile, overallProgress } from './pipeline';
import { hashFile } from './probe';
import { ANALYZER_VERSION } from './version';
import { encodeWav } from './wav';

const dir = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 6 s click track at 120 BPM over an A-minor triad, stereo 44.1 kHz. */
function song(sr = 44100, seconds = 6): Float32Array {
  const n = sr * seconds;
  const x = new Float32Array(n * 2);
  const beat = (60 / 120) * sr;
  for (let i = 0; i < n; i++) {
    const t = i / sr;
    let v =
      0.08 *
      (Math.sin(2 * Math.PI * 220 * t) +
        Math.sin(2 * Math.PI * 261.63 * t) +
        Math.sin(2 * Math.PI * 329.63 * t));
    const k = i % Math.round(beat);
    if (k < 400) v += 0.5 * Math.exp(-k / 60) * Math.sin(2 * Math.PI * 1500 * t);
    x[2 * i] = v;
    x[2 * i + 1] = v;
  }
  return x;
}

const write = (name: string, data: Buffer | string): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};

/** Runs the pipeline and returns the error code (or 'completed'), failing the test if it takes too long. */
async function outcome(
  path: string,
  extra: Partial<Parameters<typeof analyzeFile>[1]> = {},
  ms = 10_000,
): Promise<string> {
  const timer = new Promise<string>((resolve) => setTimeout(() => resolve('timed out'), ms).unref());
  const run = analyzeFile(path, { jobId: 'j', ...extra }).then(
    () => 'completed',
    (e: unknown) => (e as { code?: string }).code ?? `no code: ${(e as Error).name} ${(e as Error).message}`,
  );
  return Promise.race([run, timer]);
}

let wav: string;
let mp3: string;
beforeAll(() => {
  wav = write('song.wav', encodeWav(song(), { sampleRate: 44100, channels: 2 }));
  mp3 = join(dir, '-leading dash ünïcødé 🎵 name.mp3');
  execFileSync(FFMPEG_PATH, [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-i',
    wav,
    '-c:a',
    'libmp3lame',
    '-b:a',
    '128k',
    '-metadata',
    'title=Test Song',
    '-metadata',
    'artist=Tester',
    mp3,
  ]);
});

describe('analyzeFile', () => {
  it('produces a schema-valid song map with every stage reported, provenance and a summary', async () => {
    const progress: [string, number][] = [];
    const { songMap, summary } = await analyzeFile(wav, {
      jobId: 'job-1',
      onProgress: (s, f) => progress.push([s, f]),
    });
    expect(SongMapSchema.safeParse(songMap).success).toBe(true);
    expect(songMap.id).toBe('job-1');
    expect(songMap.duration_sec).toBeCloseTo(6, 6);
    for (const name of STAGE_NAMES) expect(songMap.stages[name], name).toBeDefined();
    expect(songMap.stages.decode!.status).toBe('ok');
    expect(songMap.stages.loudness!.status).toBe('ok');
    expect(songMap.loudness!.integrated_lufs).toBeLessThan(0);
    expect(songMap.waveform!.levels.length).toBe(3);
    expect(songMap.provenance).toMatchObject({
      engine_version: ANALYZER_VERSION,
      decoder: expect.stringMatching(/^ffmpeg/), // 44.1 kHz WAV: ffmpeg decodes and resamples
      sample_rate: 22050,
      hop: 512,
      input_sha256: await hashFile(wav),
    });
    expect(songMap.tags).toMatchObject({ format: 'wav', source_sample_rate: 44100, source_channels: 2 });
    expect(summary.durationSec).toBe(songMap.duration_sec);
    expect(summary.bpm).toBe(songMap.tempo ? Math.round(songMap.tempo.bpm_global * 10) / 10 : null);
    // a failed stage leaves its fields empty: never invented values
    if (songMap.stages.tempo!.status === 'failed') expect(songMap.tempo).toBeNull();
    if (songMap.stages.sections!.status === 'failed') expect(songMap.sections).toEqual([]);
    // progress: each stage reported, fractions within 0..1, job-level fraction never goes back
    const stagesSeen = new Set(progress.map(([s]) => s));
    for (const s of ['probe', 'decode', 'spectrum']) expect(stagesSeen.has(s)).toBe(true);
    let last = 0;
    for (const [s, f] of progress) {
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThanOrEqual(1);
      const o = overallProgress(s, f);
      expect(o).toBeGreaterThanOrEqual(last - 1e-9);
      last = o;
    }
  }, 60_000);

  it('handles a path with a leading dash, spaces and unicode through ffmpeg, with tags', async () => {
    const { songMap, summary } = await analyzeFile(mp3, { jobId: 'j2' });
    expect(songMap.provenance.decoder).toMatch(/^ffmpeg/);
    expect(Math.abs(songMap.duration_sec - 6)).toBeLessThan(0.05);
    expect(summary.title).toBe('Test Song');
    expect(summary.artist).toBe('Tester');
    expect(songMap.tags!.format).toBe('mp3');
  }, 60_000);

  it('gives the same song map whichever song ran before it in the thread (the analysis buffer is reused)', async () => {
    const strip = (m: Awaited<ReturnType<typeof analyzeFile>>['songMap']): string =>
      JSON.stringify({ ...m, provenance: { ...m.provenance, created_at: '' }, stages: {} });
    const other = write(
      'other.wav',
      encodeWav(
        song(44100, 9).map((v) => -0.7 * v),
        { sampleRate: 44100, channels: 2 },
      ),
    );
    const first = strip((await analyzeFile(wav, { jobId: 'j' })).songMap);
    await analyzeFile(other, { jobId: 'j' }); // a longer song: its buffer is kept, then reused below
    expect(strip((await analyzeFile(wav, { jobId: 'j' })).songMap)).toBe(first);
  }, 60_000);

  it('gives the same song map with the shared features computed during the decode or after it', async () => {
    const strip = (m: Awaited<ReturnType<typeof analyzeFile>>['songMap']): string =>
      JSON.stringify({ ...m, provenance: { ...m.provenance, created_at: '' }, stages: {} });
    for (const file of [mp3, wav]) {
      const timings: Record<string, number> = {};
      const streamed = await analyzeFile(file, { jobId: 'j', timings });
      const after = await analyzeFile(file, { jobId: 'j', streamFeatures: false });
      expect(strip(streamed.songMap)).toBe(strip(after.songMap));
      // and it did run during the decode
      expect(timings['decode.features']).toBeGreaterThan(0);
      expect(streamed.songMap.beats.length).toBeGreaterThan(5);
    }
  }, 60_000);

  it('is cancelled by its AbortSignal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(analyzeFile(wav, { jobId: 'j', signal: ac.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('hostile input ends with a specific code in bounded time', () => {
  const cases: [string, () => string, string, Record<string, unknown>?][] = [
    ['missing file', () => join(dir, 'missing.mp3'), 'E_NOT_FOUND'],
    [
      'non-audio renamed .mp3',
      () => write('fake.mp3', 'GIF89a this is not audio'.repeat(100)),
      'E_UNSUPPORTED_FORMAT',
    ],
    ['empty file', () => write('empty.wav', ''), 'E_EMPTY'],
    [
      '1-sample WAV',
      () => write('one.wav', encodeWav(Float32Array.from([0.2]), { sampleRate: 44100, channels: 1 })),
      'E_TOO_SHORT',
    ],
    [
      'directory',
      () => (mkdirSync(join(dir, 'dir.mp3'), { recursive: true }), join(dir, 'dir.mp3')),
      'E_NOT_REGULAR_FILE',
    ],
    ['/dev/zero', () => '/dev/zero', 'E_NOT_REGULAR_FILE'],
    [
      'FIFO',
      () => {
        const p = join(dir, 'fifo.wav');
        execFileSync('mkfifo', [p]);
        return p;
      },
      'E_NOT_REGULAR_FILE',
    ],
    [
      'symlink loop',
      () => {
        symlinkSync(join(dir, 'l2'), join(dir, 'l1'));
        symlinkSync(join(dir, 'l1'), join(dir, 'l2'));
        return join(dir, 'l1');
      },
      'E_SYMLINK_LOOP',
    ],
    [
      '0-channel WAV',
      () => {
        const b = encodeWav(new Float32Array(44100), { sampleRate: 44100, channels: 1 });
        b.writeUInt16LE(0, 22);
        return write('ch0.wav', b);
      },
      'E_CORRUPT_AUDIO',
    ],
    [
      'NaN float WAV',
      () =>
        write(
          'nan.wav',
          encodeWav(new Float32Array(44100 * 2).fill(NaN), {
            sampleRate: 44100,
            channels: 1,
            bits: 32,
            float: true,
          }),
        ),
      'E_CORRUPT_AUDIO',
    ],
    ['over the size cap', () => wav, 'E_TOO_LARGE', { maxBytes: 1024 }],
    ['stale expected size', () => wav, 'E_FILE_CHANGED', { expected: { sizeBytes: 1, mtimeMs: 0 } }],
  ];
  for (const [name, make, code, extra] of cases) {
    it(`${name} → ${code}`, async () => {
      expect(await outcome(make(), extra)).toBe(code);
    });
  }

  it('a file deleted before its job ran → E_FILE_CHANGED (with expected) / E_NOT_FOUND (without)', async () => {
    const p = write('deleted.wav', encodeWav(song(44100, 2), { sampleRate: 44100, channels: 2 }));
    const st = statSync(p);
    rmSync(p);
    expect(await outcome(p, { expected: { sizeBytes: st.size, mtimeMs: st.mtimeMs } })).toBe(
      'E_FILE_CHANGED',
    );
    expect(await outcome(p)).toBe('E_NOT_FOUND');
  });

  it('a file modified while it is decoded → E_FILE_CHANGED', async () => {
    const p = write('changing.wav', encodeWav(song(44100, 3), { sampleRate: 44100, channels: 2 }));
    let touched = false;
    const onProgress = (stage: string): void => {
      if (stage === 'decode' && !touched) {
        touched = true;
        appendFileSync(p, Buffer.alloc(1000));
      }
    };
    expect(await outcome(p, { onProgress })).toBe('E_FILE_CHANGED');
  }, 30_000);
});
