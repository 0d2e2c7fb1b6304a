/**
 * Decode → mono Float32 at ANALYSIS_SR, with loudness measured at the native rate/channels and
 * waveform peaks built in the same streaming pass. WAV (PCM/float) is parsed natively; every other
 * container goes through the ffmpeg binary (never a shell), whose float WAV output on stdout is parsed
 * by the same code. Memory stays bounded: only the analysis buffer grows, and it is capped.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { AppError } from '../../shared/errors';
import { ANALYSIS_SR } from './stages';
import { LoudnessMeter, type LoudnessMeasurement } from './loudness';
import { fsErrorToAppError, shortName, type ProbeResult } from './probe';
import { direct, launch, type Launched } from './launcher';
import { readerPair, type ReaderPair } from './reader-socket';
import { Resampler } from './resample';
import type { MonoAudio } from './types';
import { throwIfAborted } from './types';
import { f32leToFloat, isNativePcm, parseWavHeader, pcmToFloat, type WavFormat } from './wav';
import { WaveformBuilder, type Waveform } from './waveform';

/** Audio shorter than this cannot carry a tempo, a key or a loudness block: E_TOO_SHORT. */
export const MIN_DURATION_SEC = 1;
/**
 * Analysis audio beyond this is not kept (loudness and waveform still cover the whole file).
 * 10 min of 22050 Hz mono is 53 MB (its shared STFT, never held, would be 106 MB); an hour would be 318 MB.
 */
export const DEFAULT_MAX_ANALYSIS_SEC = 600;

export interface DecodeOptions {
  signal?: AbortSignal;
  /** 0..1 within the decode stage */
  onProgress?: (fraction: number) => void;
  maxAnalysisSec?: number;
  /** force a decoder (bench/tests); default: native for PCM/float WAV, ffmpeg for the rest */
  /**
   * 'auto' (default): WAV headers are always validated in TS; PCM at 22050 Hz is decoded in TS, everything
   * else by ffmpeg, whose C resampler runs beside the analysis (measured: half the wall time of the TS
   * path for a 44.1 kHz WAV, and no more CPU). 'native' forces the TS WAV decoder, 'ffmpeg' skips it.
   */
  decoder?: 'auto' | 'ffmpeg' | 'native';
  /** who downmixes/resamples compressed input: ffmpeg (default, in C) or the JS resampler (bench) */
  resampler?: 'ffmpeg' | 'js';
  /**
   * Called after each append to the analysis signal with the samples so far (a view, valid until the
   * next call; the final signal starts with them), so that work needing only a prefix runs while the
   * decoder is still busy. Only when ffmpeg decodes and resamples (another process: this thread would
   * wait on it); where this thread decodes or resamples itself there is nothing to fill, and
   * interleaving measured 3–5 % more CPU. Its time is `timings.features`.
   */
  onAnalysisSamples?: (samples: Float32Array) => void;
}

export interface DecodeResult {
  audio: MonoAudio;
  loudness: LoudnessMeasurement;
  waveform: Waveform;
  sourceSampleRate: number;
  sourceChannels: number;
  /** length of the whole decoded file, even when the analysis buffer is capped */
  durationSec: number;
  decoder: string;
  /** reasons the decode is degraded (truncated file, capped analysis, decoder warnings) */
  warnings: string[];
  /**
   * wall ms: total, and the parts spent in loudness, resampling, waveform and `onAnalysisSamples`;
   * read = the rest (I/O, decoder)
   */
  timings: {
    total: number;
    read: number;
    loudness: number;
    resample: number;
    waveform: number;
    features: number;
  };
}

/**
 * One analysis buffer kept between the songs of a thread (each worker has its own). A fresh 16 MB
 * buffer costs ≈ 4,000 page faults as the song is written into it; one the previous song was
 * written into costs none. The pipeline hands its buffer back once the song map is built
 * (`releaseAnalysisBuffer`); a decode within SPARE_KEEP_MS takes it again, whole or its front.
 */
let spare: Float32Array | null = null;
let spareTimer: ReturnType<typeof setTimeout> | null = null;

/** At most this many samples are kept between songs (10 minutes at the analysis rate, 53 MB)… */
const MAX_SPARE_SAMPLES = DEFAULT_MAX_ANALYSIS_SEC * ANALYSIS_SR;
/** …and only this long: a batch reuses it song after song, an idle app does not hold it. */
const SPARE_KEEP_MS = 10_000;

/**
 * Hands the analysis samples' memory back for the next decode in this thread. The caller must hold
 * no view of it any more: the next song overwrites it. The larger of it and the kept one is kept.
 */
export function releaseAnalysisBuffer(samples: Float32Array): void {
  const whole = new Float32Array(samples.buffer, 0, Math.floor(samples.buffer.byteLength / 4));
  if (whole.length > MAX_SPARE_SAMPLES) return;
  if (!spare || whole.length > spare.length) spare = whole;
  if (spareTimer) clearTimeout(spareTimer);
  spareTimer = setTimeout(() => (spare = spareTimer = null), SPARE_KEEP_MS);
  spareTimer.unref?.();
}

/** The kept buffer's first n samples (holding an earlier song: only what is written is read), or a new one. */
function analysisBuffer(n: number): Float32Array {
  if (spare && spare.length >= n) {
    const b = spare.subarray(0, n);
    spare = null;
    if (spareTimer) clearTimeout(spareTimer);
    spareTimer = null;
    return b;
  }
  return new Float32Array(n);
}

/** Grows a Float32Array as chunks arrive; keeps at most `cap` samples. */
class MonoBuffer {
  private buf: Float32Array;
  length = 0;
  dropped = 0;
  constructor(
    initial: number,
    private readonly cap: number,
  ) {
    this.buf = analysisBuffer(Math.max(1024, Math.min(initial, cap)));
  }
  append(x: Float32Array): void {
    const room = this.cap - this.length;
    const take = Math.min(room, x.length);
    this.dropped += x.length - take;
    if (take <= 0) return;
    if (this.length + take > this.buf.length) {
      const next = new Float32Array(Math.min(this.cap, Math.max(this.buf.length * 2, this.length + take)));
      next.set(this.buf.subarray(0, this.length));
      this.buf = next;
    }
    this.buf.set(take === x.length ? x : x.subarray(0, take), this.length);
    this.length += take;
  }
  /** The samples so far, as a view (the buffer is replaced when it grows). */
  view(): Float32Array {
    return this.buf.subarray(0, this.length);
  }
  take(): Float32Array {
    // the buffer was sized from the probed duration (+1 s): a view avoids a second copy of the whole
    // song at the memory peak; only a badly over-sized buffer is worth copying to release its tail
    return this.length >= 0.9 * this.buf.length
      ? this.buf.subarray(0, this.length)
      : this.buf.slice(0, this.length);
  }
}

/** Everything downstream of the decoder: loudness, downmix, resample, waveform, analysis buffer. */
class PcmSink {
  readonly meter: LoudnessMeter;
  private readonly resampler: Resampler | null;
  readonly waveform = new WaveformBuilder(ANALYSIS_SR);
  readonly mono: MonoBuffer;
  private monoScratch = new Float32Array(0);
  frames = 0;
  monoFrames = 0;
  /** ms spent per step, for the speed bench */
  readonly ms = { loudness: 0, resample: 0, waveform: 0, features: 0 };
  private readonly onSamples: ((samples: Float32Array) => void) | undefined;
  constructor(
    readonly format: WavFormat,
    maxAnalysisSec: number,
    expectedSec: number | null,
    /** the decoder delivers the 22050 Hz mono signal itself (ffmpeg's resampler, in C) */
    private readonly externalMono: boolean,
    onSamples?: (samples: Float32Array) => void,
  ) {
    this.onSamples = externalMono ? onSamples : undefined;
    this.meter = new LoudnessMeter(format.sampleRate, format.channels);
    this.resampler =
      externalMono || format.sampleRate === ANALYSIS_SR
        ? null
        : new Resampler(format.sampleRate, ANALYSIS_SR);
    const cap = Math.floor(maxAnalysisSec * ANALYSIS_SR);
    this.mono = new MonoBuffer(
      expectedSec ? Math.ceil(expectedSec * ANALYSIS_SR) + ANALYSIS_SR : 1 << 20,
      cap,
    );
  }
  write(interleaved: Float32Array): void {
    const C = this.format.channels;
    const n = interleaved.length / C;
    if (n === 0) return;
    let t = performance.now();
    this.meter.push(interleaved);
    this.ms.loudness += performance.now() - t;
    this.frames += n;
    if (this.externalMono) return;
    t = performance.now();
    if (this.monoScratch.length < n) this.monoScratch = new Float32Array(n);
    const m = this.monoScratch.subarray(0, n);
    if (C === 1) m.set(interleaved);
    else if (C === 2) for (let i = 0; i < n; i++) m[i] = 0.5 * (interleaved[2 * i] + interleaved[2 * i + 1]);
    else {
      const g = 1 / C;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let c = 0; c < C; c++) s += interleaved[i * C + c];
        m[i] = s * g;
      }
    }
    const out = this.resampler ? this.resampler.push(m) : m; // emit() copies, so the scratch can be reused
    this.ms.resample += performance.now() - t;
    this.emit(out);
  }
  /** Analysis-rate mono from the decoder itself. */
  writeMono(x: Float32Array): void {
    // no NaN scan here: this signal comes from the same decoded frames as the native stream, which is scanned
    this.emit(x);
  }
  private emit(x: Float32Array): void {
    if (x.length === 0) return;
    let t = performance.now();
    this.waveform.push(x);
    const before = this.mono.length;
    this.mono.append(x);
    this.monoFrames += x.length;
    this.ms.waveform += performance.now() - t;
    if (this.onSamples && this.mono.length > before) {
      t = performance.now();
      this.onSamples(this.mono.view());
      this.ms.features += performance.now() - t;
    }
  }
  finish(): void {
    if (this.resampler) this.emit(this.resampler.flush());
  }
}

/**
 * Cuts a byte stream into whole frames without allocating per chunk. ffmpeg's WAV header is 102
 * bytes, so every pipe chunk after it splits a frame; joining the pieces with Buffer.concat cost a
 * fresh 64 KB buffer per chunk (≈ 63 MB of new memory per 3-minute song, page faults and GC).
 * Here the split frame's first bytes wait in a small buffer and, with the next chunk, are copied
 * into one buffer that is reused.
 */
export class FrameJoiner {
  private readonly tail: Buffer;
  private tailLen = 0;
  private joined = Buffer.alloc(0);
  constructor(private readonly frameBytes: number) {
    this.tail = Buffer.alloc(frameBytes);
  }
  /** The whole frames available so far: a view, valid until the next call. */
  push(chunk: Buffer): Buffer {
    let buf = chunk;
    if (this.tailLen > 0) {
      const len = this.tailLen + chunk.length;
      if (this.joined.length < len) this.joined = Buffer.allocUnsafe(Math.max(len, 1 << 16));
      this.tail.copy(this.joined, 0, 0, this.tailLen);
      chunk.copy(this.joined, this.tailLen);
      buf = this.joined.subarray(0, len);
    }
    const whole = buf.length - (buf.length % this.frameBytes);
    this.tailLen = buf.copy(this.tail, 0, whole);
    return buf.subarray(0, whole);
  }
}

/** Incremental parser over a byte stream: header first, then whole frames to the sink. */
class WavByteStream {
  private head: Buffer[] = [];
  private headLen = 0;
  private frames: FrameJoiner | null = null;
  format: WavFormat | null = null;
  dataBytes = 0;
  sink: PcmSink | null = null;
  private scratch = new Float32Array(0);
  constructor(private readonly makeSink: (f: WavFormat) => PcmSink) {}
  write(chunk: Buffer): void {
    if (!this.format) {
      this.head.push(Buffer.from(chunk)); // kept past this call: a copy (the reader may reuse its buffer)
      this.headLen += chunk.length;
      const all = Buffer.concat(this.head, this.headLen);
      const f = parseWavHeader(all);
      if (!f) return;
      if (!isNativePcm(f))
        throw new AppError('E_DECODE', `decoder produced an unexpected sample format (${f.codec})`);
      this.format = f;
      this.sink = this.makeSink(f);
      this.head = [];
      chunk = all.subarray(f.dataOffset);
    }
    this.data(chunk);
  }
  private data(chunk: Buffer): void {
    const f = this.format!;
    const whole = (this.frames ??= new FrameJoiner(f.blockAlign)).push(chunk);
    if (whole.length > 0) {
      const n = (whole.length / f.blockAlign) * f.channels;
      if (this.scratch.length < n) this.scratch = new Float32Array(Math.max(n, 1 << 16));
      this.sink!.write(pcmToFloat(whole, f, this.scratch));
      this.dataBytes += whole.length;
    }
  }
}

/** In a packaged Electron app the binary lives in app.asar.unpacked: an asar path cannot be executed. */
export const FFMPEG_PATH: string = ffmpegInstaller.path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');

/**
 * per-output options: the first audio stream only, no video/subtitle/data streams, no metadata; and
 * ffmpeg's 32 KB output buffer written when full, not after every packet (its default for pipes):
 * 5× fewer pipe reads and 'data' events for the same bytes
 */
const FIRST_AUDIO_ONLY = ['-map', '0:a:0', '-vn', '-sn', '-dn', '-map_metadata', '-1', '-flush_packets', '0'];

function ffmpegArgs(absPath: string, withMono: boolean): string[] {
  const args = [
    '-nostdin',
    '-hide_banner',
    '-v',
    'error',
    // "file:" makes a name starting with "-" or containing ":" a plain path, never an option or protocol
    '-i',
    `file:${absPath}`,
    ...FIRST_AUDIO_ONLY,
    '-c:a',
    'pcm_f32le',
    '-f',
    'wav',
    'pipe:1',
  ];
  if (!withMono) return args;
  return [
    ...args,
    // second output: the analysis signal, downmixed and resampled by ffmpeg's swresample (in C, much
    // faster than doing it in JS); both outputs come from the same decoded frames, so they align
    ...FIRST_AUDIO_ONLY,
    // normalise the downmix matrix to a gain of 1: stereo becomes (L+R)/2 like the native path,
    // instead of swresample's default (L+R)/√2, which can clip
    '-rematrix_maxval',
    '1',
    '-ac',
    '1',
    '-ar',
    String(ANALYSIS_SR),
    '-c:a',
    'pcm_f32le',
    '-f',
    'f32le',
    'pipe:3',
  ];
}

/**
 * ffmpeg's stderr without the lines about writing our own PCM outputs: a file whose packets repeat a
 * timestamp (a re-joined Ogg, some game soundtracks) makes the raw muxer of the analysis output complain
 * ("non monotonically increasing dts to muxer"), though every sample is written (measured: both
 * outputs keep their exact lengths). What is left is about the input.
 */
export function inputErrors(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() && !/non monotonically increasing dts to muxer/.test(l))
    .join('\n');
}

/** Tolerated difference between the two outputs' lengths: a resampler's delay and last block. */
const MONO_SLACK_SEC = 0.05;

/**
 * How much shorter (s) the analysis signal ffmpeg delivered is than the native stream it was made
 * from, beyond a resampler block; 0 when they agree (or when there is no separate analysis output).
 * Both come from the same decoded frames, so a shortfall means packets were lost on one output.
 */
export function monoShortfallSec(sink: { frames: number; monoFrames: number; format: WavFormat }): number {
  if (sink.frames === 0 || sink.monoFrames === 0) return 0;
  const short = sink.frames / sink.format.sampleRate - sink.monoFrames / ANALYSIS_SR;
  return short > MONO_SLACK_SEC ? short : 0;
}

/** ffmpeg's first stderr line as user-facing text: no paths, no "[mp3 @ 0x55d…]" context pointers. */
export function ffmpegFirstLine(stderr: string, name: string, max = 200): string {
  const first = stderr.split('\n').find((l) => l.trim()) ?? 'decoder failed';
  return first
    .trim()
    .replace(/file:[^\s:]*/g, name)
    .replace(/\[[^\]]*@ 0x[0-9a-f]+\]\s*/g, '')
    .slice(0, max);
}

/** ffmpeg's stderr → a user-facing code (only when no usable audio came out). */
export function mapFfmpegError(stderr: string, name: string): AppError {
  const msg = ffmpegFirstLine(stderr, name);
  if (/matches no streams|does not contain any stream/i.test(stderr)) {
    return new AppError('E_UNSUPPORTED_FORMAT', `${name}: the file has no audio stream`);
  }
  if (
    /Failed to read frame size|Could not seek|Truncat|End of file|partial file|moov atom not found/i.test(
      stderr,
    )
  ) {
    return new AppError('E_TRUNCATED', `${name}: the file is cut short (${msg})`);
  }
  if (/Invalid data found|could not find codec|Unknown format|not supported/i.test(stderr)) {
    return new AppError('E_UNSUPPORTED_FORMAT', `${name}: not a decodable audio file (${msg})`);
  }
  return new AppError('E_DECODE', `${name}: decoding failed (${msg})`);
}

async function decodeWithFfmpeg(
  probe: ProbeResult,
  stream: WavByteStream,
  opts: DecodeOptions,
): Promise<{ stderr: string; code: number | null }> {
  const abs = resolve(probe.path);
  const monoFrames = new FrameJoiner(4);
  let monoScratch = new Float32Array(1 << 15);
  // mono bytes that arrive before the native stream's header made the sink exist (copied: a reader
  // socket reuses its buffer)
  const early: Buffer[] = [];
  let failed: unknown = null;
  let kill = (): void => {};
  const onNative = (chunk: Buffer): void => {
    if (failed) return;
    try {
      stream.write(chunk);
      if (opts.onProgress && probe.durationSec && stream.format) {
        const total = probe.durationSec * stream.format.sampleRate;
        opts.onProgress(Math.min(0.99, (stream.sink?.frames ?? 0) / total));
      }
    } catch (err) {
      failed = err;
      kill();
    }
  };
  const feedMono = (chunk: Buffer): void => {
    const whole = monoFrames.push(chunk);
    if (monoScratch.length < whole.length / 4) monoScratch = new Float32Array(whole.length / 4);
    stream.sink!.writeMono(f32leToFloat(whole, monoScratch));
  };
  const onMono = (chunk: Buffer): void => {
    if (failed) return;
    try {
      if (!stream.sink) early.push(Buffer.from(chunk));
      else {
        while (early.length) feedMono(early.shift()!);
        feedMono(chunk);
      }
    } catch (err) {
      failed = err;
      kill();
    }
  };
  const onMonoEnd = (): void => {
    if (failed || !stream.sink) return;
    try {
      while (early.length) feedMono(early.shift()!);
    } catch (err) {
      failed = err;
    }
  };
  // both PCM outputs through reader sockets (no allocation per read), or plain pipes where those
  // cannot be made (Windows, a temp dir that refuses them)
  const native = await readerPair(onNative).catch(() => null);
  const mono = native && (await readerPair(onMono).catch(() => null));
  const readers: [ReaderPair, ReaderPair] | null = native && mono ? [native, mono] : null;
  if (native && !mono) {
    // the first pair alone is of no use: close it, or its parent end waits for an EOF forever
    native.child.destroy();
    native.ours.destroy();
  }
  const args = ffmpegArgs(abs, opts.resampler !== 'js');
  let child: Launched;
  let pipes: { native: NodeJS.ReadableStream; mono: NodeJS.ReadableStream } | null = null;
  try {
    if (readers) {
      // started by the thread's decoder helper (launcher.ts): no fork of this large process
      child = await launch(FFMPEG_PATH, args, { 1: readers[0].child, 3: readers[1].child });
    } else {
      const d = direct(FFMPEG_PATH, args, { 1: 'pipe', 3: 'pipe' });
      pipes = { native: d.child.stdout!, mono: d.child.stdio[3] as NodeJS.ReadableStream };
      child = d;
    }
  } catch (err) {
    for (const r of readers ?? []) {
      r.child.destroy();
      r.ours.destroy();
    }
    throw err;
  }
  return new Promise((resolvePromise, reject) => {
    let stderr = '';
    kill = (): void => child.kill();
    const onAbort = (): void => {
      failed ??= Object.assign(new Error('analysis cancelled'), { name: 'AbortError' });
      kill();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    child.onStderr((s) => {
      if (stderr.length < 65536) stderr += s;
    });
    // done when the child has closed and every output has been read to its end
    let pending = pipes ? 1 : 3;
    let exitCode: number | null = null;
    const settle = (): void => {
      if (--pending > 0) return;
      opts.signal?.removeEventListener('abort', onAbort);
      if (failed) reject(failed);
      else resolvePromise({ stderr, code: exitCode });
    };
    if (readers) {
      const [native, mono] = readers;
      native.ours.on('error', (err) => (failed ??= err));
      mono.ours.on('error', (err) => (failed ??= err));
      native.ours.on('close', settle);
      mono.ours.on('end', onMonoEnd);
      mono.ours.on('close', settle);
    } else if (pipes) {
      pipes.native.on('data', onNative);
      pipes.mono.on('data', onMono);
      pipes.mono.on('end', onMonoEnd);
    }
    child.onError((err) => {
      // the program could not start (spawn ENOENT …), or the helper that ran it stopped
      failed ??= new AppError('E_DECODE', `decoder error: ${err.message}`);
    });
    child.onClose((code) => {
      exitCode = code;
      settle();
    });
  });
}

/** Declared vs present data: decode what is there (degraded) rather than fail; nothing there → E_TRUNCATED. */
function wavSizeWarnings(probe: ProbeResult, header: WavFormat): string[] {
  const available = probe.sizeBytes - header.dataOffset;
  const declared = header.dataSize ?? available;
  if (Math.min(declared, available) <= 0) {
    throw new AppError('E_TRUNCATED', `${shortName(probe.path)}: the WAV data chunk is missing its audio`);
  }
  // recorders that crash leave exactly this behind: the audio that is there is real
  return declared > available
    ? [`file is truncated: the header declares ${declared} bytes of audio, ${available} are present`]
    : [];
}

async function decodeNativeWav(
  probe: ProbeResult,
  stream: WavByteStream,
  header: WavFormat,
  opts: DecodeOptions,
): Promise<void> {
  const available = probe.sizeBytes - header.dataOffset;
  const length = Math.min(header.dataSize ?? available, available);
  stream.write(headerBytes(header));
  const rs = createReadStream(probe.path, {
    start: header.dataOffset,
    end: header.dataOffset + length - 1,
    highWaterMark: 1 << 20,
    signal: opts.signal,
  });
  let read = 0;
  try {
    for await (const chunk of rs) {
      stream.write(chunk as Buffer);
      read += (chunk as Buffer).length;
      opts.onProgress?.(Math.min(0.99, read / length));
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError' || err instanceof AppError) throw err;
    throw fsErrorToAppError(err, probe.path);
  }
  if (read < length)
    throw new AppError('E_FILE_CHANGED', `${shortName(probe.path)}: the file shrank while it was read`);
}

/** A synthetic header for the already-parsed format, so the byte stream sees the same layout. */
function headerBytes(f: WavFormat): Buffer {
  const b = Buffer.alloc(44);
  b.write('RIFF', 0, 'latin1');
  b.writeUInt32LE(0xffffffff, 4);
  b.write('WAVEfmt ', 8, 'latin1');
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(f.codec, 20);
  b.writeUInt16LE(f.channels, 22);
  b.writeUInt32LE(f.sampleRate, 24);
  b.writeUInt32LE(f.sampleRate * f.blockAlign, 28);
  b.writeUInt16LE(f.blockAlign, 32);
  b.writeUInt16LE(f.bitsPerSample, 34);
  b.write('data', 36, 'latin1');
  b.writeUInt32LE(0xffffffff, 40);
  return b;
}

async function readWavHeader(path: string): Promise<WavFormat> {
  const fh = await open(path, 'r').catch((err: unknown) => {
    throw fsErrorToAppError(err, path);
  });
  try {
    const buf = Buffer.alloc(1 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const f = parseWavHeader(buf.subarray(0, bytesRead));
    if (!f) throw new AppError('E_TRUNCATED', `${shortName(path)}: the WAV header is incomplete`);
    return f;
  } finally {
    await fh.close();
  }
}

export async function decodeFile(probe: ProbeResult, opts: DecodeOptions = {}): Promise<DecodeResult> {
  throwIfAborted(opts.signal);
  const name = shortName(probe.path);
  const maxSec = opts.maxAnalysisSec ?? DEFAULT_MAX_ANALYSIS_SEC;
  let header: WavFormat | null = null;
  if (probe.format === 'wav' && opts.decoder !== 'ffmpeg') {
    header = await readWavHeader(probe.path);
  }
  let warnings: string[] = [];
  if (header && isNativePcm(header)) {
    // size checks from the validated header hold whichever decoder reads the samples
    warnings = wavSizeWarnings(probe, header);
  }
  const native =
    header !== null &&
    isNativePcm(header) &&
    (opts.decoder === 'native' || header.sampleRate === ANALYSIS_SR);
  const stream = new WavByteStream(
    (f) =>
      new PcmSink(f, maxSec, probe.durationSec, !native && opts.resampler !== 'js', opts.onAnalysisSamples),
  );
  let decoder: string;
  /** ffmpeg ran to the end: its two outputs must then be equally long */
  let cleanExit = false;
  const t0 = performance.now();
  if (native && header) {
    decoder = 'native-wav';
    await decodeNativeWav(probe, stream, header, opts);
  } else {
    decoder = 'ffmpeg-4.1';
    const { stderr, code } = await decodeWithFfmpeg(probe, stream, opts);
    const sec = stream.sink ? stream.sink.frames / stream.sink.format.sampleRate : 0;
    if (code !== 0 || !stream.sink) {
      if (sec < MIN_DURATION_SEC) {
        const err = mapFfmpegError(stderr, name);
        if (!probe.confident) {
          throw new AppError('E_UNSUPPORTED_FORMAT', `${name}: an ID3 tag without decodable audio after it`);
        }
        // the container header was valid and promised more: the file stops (or breaks) early
        if (stream.sink && probe.durationSec !== null && probe.durationSec >= MIN_DURATION_SEC) {
          throw new AppError(
            'E_TRUNCATED',
            `${name}: only ${sec.toFixed(3)} s decodable of the ${probe.durationSec.toFixed(1)} s its header declares (${err.message})`,
          );
        }
        throw err;
      }
      warnings.push(
        `decoder stopped early (${mapFfmpegError(stderr, name).message}); analysed the ${sec.toFixed(1)} s decoded`,
      );
    } else {
      const errors = inputErrors(stderr);
      // ffmpeg went on past damaged frames (e.g. a cut MP3): the audio is real but may have gaps
      if (errors) warnings.push(`decoder reported errors: ${ffmpegFirstLine(errors, name, 160)}`);
      cleanExit = true;
    }
  }
  throwIfAborted(opts.signal);
  const sink = stream.sink;
  if (!sink || sink.frames === 0)
    throw new AppError('E_EMPTY', `${name}: the file contains no audio samples`);
  sink.finish();
  const durationSec = sink.frames / sink.format.sampleRate;
  const short = cleanExit ? monoShortfallSec(sink) : 0;
  if (short > 0)
    warnings.push(
      `the analysis signal is ${Math.round(short * 1000)} ms shorter than the audio (packets lost where the file's timestamps repeat or jump): beats after that point may be early`,
    );
  if (durationSec < MIN_DURATION_SEC && probe.durationSec !== null && probe.durationSec >= MIN_DURATION_SEC) {
    throw new AppError(
      'E_TRUNCATED',
      `${name}: only ${durationSec.toFixed(3)} s decoded of the ${probe.durationSec.toFixed(1)} s its header declares`,
    );
  }
  if (durationSec < MIN_DURATION_SEC) {
    throw new AppError(
      'E_TOO_SHORT',
      `${name}: ${durationSec.toFixed(3)} s of audio is too short to analyse (minimum ${MIN_DURATION_SEC} s)`,
    );
  }
  // a cut compressed file decodes cleanly up to the cut; the container's declared length tells
  if (
    probe.durationSec &&
    durationSec < probe.durationSec * 0.98 - 0.5 &&
    !warnings.some((w) => w.includes('truncated'))
  ) {
    warnings.push(
      `file looks truncated: its header declares ${probe.durationSec.toFixed(1)} s, ${durationSec.toFixed(1)} s decoded`,
    );
  }
  if (sink.mono.dropped > 0) {
    warnings.push(
      `analysed the first ${maxSec} s of ${durationSec.toFixed(0)} s; loudness and waveform cover the whole file`,
    );
  }
  opts.onProgress?.(1);
  const totalMs = performance.now() - t0;
  return {
    timings: {
      total: totalMs,
      loudness: sink.ms.loudness,
      resample: sink.ms.resample,
      waveform: sink.ms.waveform,
      features: sink.ms.features,
      read: totalMs - sink.ms.loudness - sink.ms.resample - sink.ms.waveform - sink.ms.features,
    },
    audio: { samples: sink.mono.take(), sr: ANALYSIS_SR },
    loudness: sink.meter.result(),
    waveform: sink.waveform.finish(),
    sourceSampleRate: sink.format.sampleRate,
    sourceChannels: sink.format.channels,
    durationSec,
    decoder,
    warnings,
  };
}
