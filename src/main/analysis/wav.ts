/**
 * Streaming RIFF/WAVE (and RF64/BW64) parser: header validation plus PCM/float → Float32 conversion.
 * Used for native WAV files and for ffmpeg's float WAV output on stdout, so both decode paths share
 * one conversion and one set of header checks.
 */
import { AppError } from '../../shared/errors';

export const MAX_CHANNELS = 32;
export const MIN_SAMPLE_RATE = 1000;
export const MAX_SAMPLE_RATE = 768_000;

export interface WavFormat {
  /** 1 = integer PCM, 3 = IEEE float; other codes are compressed codecs this parser does not decode */
  codec: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** byte offset of the data chunk's payload */
  dataOffset: number;
  /** declared payload size; null when the writer did not know it (streamed, 0xFFFFFFFF) */
  dataSize: number | null;
}

const WAVE_FORMAT_PCM = 1;
const WAVE_FORMAT_FLOAT = 3;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;
const UNKNOWN_SIZE = 0xffffffff;

/** True when this parser can convert the codec itself (otherwise the caller hands the file to ffmpeg). */
export function isNativePcm(f: WavFormat): boolean {
  if (f.codec === WAVE_FORMAT_PCM) return [8, 16, 24, 32].includes(f.bitsPerSample);
  if (f.codec === WAVE_FORMAT_FLOAT) return f.bitsPerSample === 32 || f.bitsPerSample === 64;
  return false;
}

/**
 * Parses the header from the first bytes of a stream. Returns null while more bytes are needed.
 * Throws AppError for a header that can never be valid.
 */
export function parseWavHeader(buf: Buffer): WavFormat | null {
  if (buf.length < 12) return null;
  const riff = buf.toString('latin1', 0, 4);
  if ((riff !== 'RIFF' && riff !== 'RF64' && riff !== 'BW64') || buf.toString('latin1', 8, 12) !== 'WAVE') {
    throw new AppError('E_UNSUPPORTED_FORMAT', 'not a RIFF/WAVE file');
  }
  let pos = 12;
  let fmt: Omit<WavFormat, 'dataOffset' | 'dataSize'> | null = null;
  let ds64DataSize: number | null = null;
  // chunk walk; every chunk is word-aligned
  for (;;) {
    if (pos + 8 > buf.length) return null;
    const id = buf.toString('latin1', pos, pos + 4);
    const size = buf.readUInt32LE(pos + 4);
    const body = pos + 8;
    if (id === 'data') {
      if (!fmt) throw new AppError('E_CORRUPT_AUDIO', 'WAV data chunk comes before its fmt chunk');
      let dataSize: number | null = size === UNKNOWN_SIZE ? null : size;
      if (ds64DataSize !== null && (size === UNKNOWN_SIZE || riff !== 'RIFF')) dataSize = ds64DataSize;
      return { ...fmt, dataOffset: body, dataSize };
    }
    if (size === UNKNOWN_SIZE)
      throw new AppError('E_CORRUPT_AUDIO', `WAV chunk "${printable(id)}" has no size`);
    if (body + size + (size & 1) > buf.length) {
      // a header chunk larger than 16 MiB is not a real WAV header; refuse instead of buffering it
      if (size > 16 * 1024 * 1024)
        throw new AppError('E_CORRUPT_AUDIO', `WAV chunk "${printable(id)}" is implausibly large`);
      return null;
    }
    if (id === 'fmt ') fmt = parseFmt(buf, body, size);
    else if (id === 'ds64' && size >= 16) {
      const lo = buf.readUInt32LE(body + 8);
      const hi = buf.readUInt32LE(body + 12);
      ds64DataSize = hi * 2 ** 32 + lo;
    }
    pos = body + size + (size & 1);
  }
}

function printable(id: string): string {
  return id.replace(/[^\x20-\x7e]/g, '?');
}

function parseFmt(buf: Buffer, at: number, size: number): Omit<WavFormat, 'dataOffset' | 'dataSize'> {
  if (size < 16) throw new AppError('E_CORRUPT_AUDIO', 'WAV fmt chunk is too short');
  let codec = buf.readUInt16LE(at);
  const channels = buf.readUInt16LE(at + 2);
  const sampleRate = buf.readUInt32LE(at + 4);
  const blockAlign = buf.readUInt16LE(at + 12);
  const bitsPerSample = buf.readUInt16LE(at + 14);
  if (codec === WAVE_FORMAT_EXTENSIBLE) {
    if (size < 40) throw new AppError('E_CORRUPT_AUDIO', 'WAVE_FORMAT_EXTENSIBLE fmt chunk is too short');
    // the sub-format GUID starts with the plain format code
    codec = buf.readUInt16LE(at + 24);
  }
  if (channels === 0 || channels > MAX_CHANNELS) {
    throw new AppError(
      'E_CORRUPT_AUDIO',
      `WAV header declares ${channels} channels (1–${MAX_CHANNELS} supported)`,
    );
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new AppError('E_CORRUPT_AUDIO', `WAV header declares an invalid sample rate of ${sampleRate} Hz`);
  }
  const f = { codec, channels, sampleRate, bitsPerSample, blockAlign };
  if (isNativePcm({ ...f, dataOffset: 0, dataSize: 0 }) && blockAlign !== (channels * bitsPerSample) / 8) {
    throw new AppError(
      'E_CORRUPT_AUDIO',
      `WAV block align ${blockAlign} does not match ${channels} × ${bitsPerSample} bit`,
    );
  }
  return f;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** NaN/Inf samples mean a damaged file; sanitising them would hide it, so they fail the decode. */
export function assertFinite(x: Float32Array): void {
  // branch-free scan: x * 0 is NaN exactly when x is NaN or ±Infinity, and a NaN stays in a sum. Eight
  // sums side by side: one sum's adds wait on each other, and this runs over every native-rate sample
  const n = x.length;
  const end = n - (n & 7);
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  let i = 0;
  for (; i < end; i += 8) {
    s0 += x[i] * 0;
    s1 += x[i + 1] * 0;
    s2 += x[i + 2] * 0;
    s3 += x[i + 3] * 0;
    s4 += x[i + 4] * 0;
    s5 += x[i + 5] * 0;
    s6 += x[i + 6] * 0;
    s7 += x[i + 7] * 0;
  }
  for (; i < n; i++) s0 += x[i] * 0;
  if (s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 !== 0)
    throw new AppError('E_CORRUPT_AUDIO', 'the audio contains NaN or infinite samples');
}

/**
 * Aligned little-endian float32 bytes seen as a Float32Array without a copy (a view: valid as long as
 * the bytes are, and written through to them), or null when the bytes are not 4-byte aligned.
 */
function floatView(bytes: Buffer, n: number): Float32Array | null {
  return LITTLE_ENDIAN_HOST && bytes.byteOffset % 4 === 0
    ? new Float32Array(bytes.buffer, bytes.byteOffset, n)
    : null;
}

/**
 * Little-endian float32 bytes (whole samples only) → Float32Array: a view of the bytes when they are
 * aligned, else a copy (into `scratch` when it is large enough). Read it before the bytes change.
 */
export function f32leToFloat(bytes: Buffer, scratch?: Float32Array): Float32Array {
  const n = Math.floor(bytes.length / 4);
  const view = floatView(bytes, n);
  if (view) return view;
  const out = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Float32Array(n);
  if (LITTLE_ENDIAN_HOST) new Uint8Array(out.buffer, out.byteOffset, n * 4).set(bytes.subarray(0, n * 4));
  else for (let i = 0; i < n; i++) out[i] = bytes.readFloatLE(i * 4);
  return out;
}

/**
 * Converts whole frames of little-endian PCM/float bytes to interleaved Float32 in -1..1: for aligned
 * float32 a view of the bytes (no copy; read it before the bytes change), else into `scratch` or a
 * new array. Throws E_CORRUPT_AUDIO on NaN/Inf: such a file is damaged, and sanitising would hide it.
 */
export function pcmToFloat(bytes: Buffer, f: WavFormat, scratch?: Float32Array): Float32Array {
  const bps = f.bitsPerSample / 8;
  const n = Math.floor(bytes.length / f.blockAlign) * f.channels;
  if (f.codec === WAVE_FORMAT_FLOAT && bps === 4) {
    const view = floatView(bytes, n);
    if (view) {
      assertFinite(view);
      return view;
    }
  }
  // a caller that consumes each chunk before the next may pass a scratch array to avoid GC churn
  const out = scratch && scratch.length >= n ? scratch.subarray(0, n) : new Float32Array(n);
  const b = bytes;
  let o = 0;
  if (f.codec === WAVE_FORMAT_FLOAT) {
    if (bps === 4 && LITTLE_ENDIAN_HOST) {
      // byte copy into an aligned array: an order of magnitude faster than DataView reads
      new Uint8Array(out.buffer, out.byteOffset, n * 4).set(b.subarray(0, n * 4));
    } else {
      const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
      o = 0;
      if (bps === 4) for (let i = 0; i < n; i++, o += 4) out[i] = view.getFloat32(o, true);
      else for (let i = 0; i < n; i++, o += 8) out[i] = view.getFloat64(o, true);
    }
    assertFinite(out);
    return out;
  }
  o = 0;
  switch (bps) {
    case 1:
      for (let i = 0; i < n; i++) out[i] = (b[o++] - 128) / 128;
      break;
    case 2:
      for (let i = 0; i < n; i++, o += 2) out[i] = (((b[o] | (b[o + 1] << 8)) << 16) >> 16) / 32768;
      break;
    case 3:
      for (let i = 0; i < n; i++, o += 3)
        out[i] = (((b[o] | (b[o + 1] << 8) | (b[o + 2] << 16)) << 8) >> 8) / 8388608;
      break;
    default:
      for (let i = 0; i < n; i++, o += 4)
        out[i] = (b[o] | (b[o + 1] << 8) | (b[o + 2] << 16) | (b[o + 3] << 24)) / 2147483648;
  }
  return out;
}

/** Builds a WAV file in memory (tests and benches); `samples` is interleaved. */
export function encodeWav(
  samples: Float32Array | Float64Array,
  opts: {
    sampleRate: number;
    channels: number;
    bits?: 8 | 16 | 24 | 32 | 64;
    float?: boolean;
    extensible?: boolean;
  },
): Buffer {
  const bits = opts.bits ?? 16;
  const isFloat = opts.float ?? false;
  const bps = bits / 8;
  const fmtSize = opts.extensible ? 40 : 16;
  const dataSize = samples.length * bps;
  const buf = Buffer.alloc(12 + 8 + fmtSize + 8 + dataSize);
  buf.write('RIFF', 0, 'latin1');
  buf.writeUInt32LE(buf.length - 8, 4);
  buf.write('WAVE', 8, 'latin1');
  buf.write('fmt ', 12, 'latin1');
  buf.writeUInt32LE(fmtSize, 16);
  const code = isFloat ? WAVE_FORMAT_FLOAT : WAVE_FORMAT_PCM;
  buf.writeUInt16LE(opts.extensible ? WAVE_FORMAT_EXTENSIBLE : code, 20);
  buf.writeUInt16LE(opts.channels, 22);
  buf.writeUInt32LE(opts.sampleRate, 24);
  buf.writeUInt32LE(opts.sampleRate * opts.channels * bps, 28);
  buf.writeUInt16LE(opts.channels * bps, 32);
  buf.writeUInt16LE(bits, 34);
  if (opts.extensible) {
    buf.writeUInt16LE(22, 36);
    buf.writeUInt16LE(bits, 38);
    buf.writeUInt32LE(0, 40);
    buf.writeUInt16LE(code, 44);
    Buffer.from('000000001000800000aa00389b71', 'hex').copy(buf, 46);
  }
  let o = 20 + fmtSize;
  buf.write('data', o, 'latin1');
  buf.writeUInt32LE(dataSize, o + 4);
  o += 8;
  for (let i = 0; i < samples.length; i++, o += bps) {
    const v = samples[i];
    if (isFloat) {
      if (bits === 32) buf.writeFloatLE(v, o);
      else buf.writeDoubleLE(v, o);
      continue;
    }
    const c = Math.max(-1, Math.min(1, v));
    if (bits === 8) buf.writeUInt8(Math.round(c * 127) + 128, o);
    else if (bits === 16) buf.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(c * 32768))), o);
    else if (bits === 24)
      buf.writeIntLE(Math.max(-8388608, Math.min(8388607, Math.round(c * 8388608))), o, 3);
    else buf.writeInt32LE(Math.max(-2147483648, Math.min(2147483647, Math.round(c * 2147483648))), o);
  }
  return buf;
}
