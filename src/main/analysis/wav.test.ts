import { describe, expect, it } from 'vitest';
import { assertFinite, encodeWav, f32leToFloat, isNativePcm, parseWavHeader, pcmToFloat } from './wav';

const code = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code;
  }
  return undefined;
};

describe('WAV header', () => {
  it('reads a plain 16-bit stereo header', () => {
    const f = parseWavHeader(encodeWav(new Float32Array(8), { sampleRate: 44100, channels: 2 }))!;
    expect(f).toMatchObject({
      codec: 1,
      channels: 2,
      sampleRate: 44100,
      bitsPerSample: 16,
      blockAlign: 4,
      dataOffset: 44,
      dataSize: 16,
    });
    expect(isNativePcm(f)).toBe(true);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE as its sub-format', () => {
    const f = parseWavHeader(
      encodeWav(new Float32Array(6), {
        sampleRate: 48000,
        channels: 3,
        bits: 32,
        float: true,
        extensible: true,
      }),
    )!;
    expect(f).toMatchObject({ codec: 3, channels: 3, bitsPerSample: 32, dataOffset: 68 });
  });

  it('skips unknown chunks before the data and asks for more bytes when cut inside the header', () => {
    const wav = encodeWav(new Float32Array(4), { sampleRate: 8000, channels: 1 });
    const junk = Buffer.alloc(8 + 3 + 1); // odd-sized chunk + pad byte
    junk.write('JUNK', 0, 'latin1');
    junk.writeUInt32LE(3, 4);
    const withJunk = Buffer.concat([wav.subarray(0, 12), junk, wav.subarray(12)]);
    expect(parseWavHeader(withJunk)!.dataOffset).toBe(44 + 12);
    expect(parseWavHeader(withJunk.subarray(0, 30))).toBeNull();
  });

  it('rejects 0 and 255 channels, 0 Hz and absurd rates, and a bad block align with E_CORRUPT_AUDIO', () => {
    const base = (): Buffer => encodeWav(new Float32Array(4), { sampleRate: 44100, channels: 1 });
    const zeroCh = base();
    zeroCh.writeUInt16LE(0, 22);
    const manyCh = base();
    manyCh.writeUInt16LE(255, 22);
    const zeroHz = base();
    zeroHz.writeUInt32LE(0, 24);
    const hugeHz = base();
    hugeHz.writeUInt32LE(4_000_000_000, 24);
    const badAlign = base();
    badAlign.writeUInt16LE(7, 32);
    for (const b of [zeroCh, manyCh, zeroHz, hugeHz, badAlign])
      expect(code(() => parseWavHeader(b))).toBe('E_CORRUPT_AUDIO');
  });

  it('rejects non-WAVE data with E_UNSUPPORTED_FORMAT', () => {
    expect(code(() => parseWavHeader(Buffer.from('hello world, not a wave')))).toBe('E_UNSUPPORTED_FORMAT');
  });

  it('treats a 0xFFFFFFFF data size (streamed writer) as unknown', () => {
    const b = encodeWav(new Float32Array(4), { sampleRate: 44100, channels: 1 });
    b.writeUInt32LE(0xffffffff, 40);
    expect(parseWavHeader(b)!.dataSize).toBeNull();
  });
});

describe('PCM conversion', () => {
  const values = [0, 0.5, -0.5, 0.25, -1];
  for (const bits of [8, 16, 24, 32] as const) {
    it(`converts ${bits}-bit integer PCM exactly`, () => {
      const wav = encodeWav(Float32Array.from(values), { sampleRate: 8000, channels: 1, bits });
      const f = parseWavHeader(wav)!;
      const out = pcmToFloat(wav.subarray(f.dataOffset), f);
      // 8-bit is written with a 127 scale and read with 128: allow one step
      const tol = bits === 8 ? 1 / 64 : 1e-6;
      values.forEach((v, i) => expect(Math.abs(out[i] - v)).toBeLessThanOrEqual(tol));
    });
  }
  for (const bits of [32, 64] as const) {
    it(`converts ${bits}-bit float exactly, including overs above 1`, () => {
      const wav = encodeWav(Float64Array.from([0.125, -1.5, 2]), {
        sampleRate: 8000,
        channels: 1,
        bits,
        float: true,
      });
      const f = parseWavHeader(wav)!;
      expect(Array.from(pcmToFloat(wav.subarray(f.dataOffset), f))).toEqual([0.125, -1.5, 2]);
    });
  }
  it('reads aligned float32 in place and copies unaligned bytes, with the same values', () => {
    const x = Float32Array.from([0.125, -1.5, 2, 0.75]);
    const wav = encodeWav(x, { sampleRate: 8000, channels: 2, bits: 32, float: true });
    const f = parseWavHeader(wav)!;
    const data = wav.subarray(f.dataOffset);
    expect(data.byteOffset % 4).toBe(0);
    const inPlace = pcmToFloat(data, f);
    expect(inPlace.buffer).toBe(data.buffer);
    expect(Array.from(inPlace)).toEqual(Array.from(x));
    // the same bytes two bytes off a 4-byte boundary (as after ffmpeg's 102-byte header)
    const odd = Buffer.alloc(data.length + 2).subarray(2);
    data.copy(odd);
    expect(odd.byteOffset % 4).toBe(2);
    const copied = pcmToFloat(odd, f);
    expect(copied.buffer).not.toBe(odd.buffer);
    expect(Array.from(copied)).toEqual(Array.from(x));
    expect(Array.from(f32leToFloat(odd))).toEqual(Array.from(x));
    expect(f32leToFloat(data).buffer).toBe(data.buffer);
  });
  it('drops a trailing partial frame', () => {
    const wav = encodeWav(Float32Array.from([0.5, 0.5, 0.25]), { sampleRate: 8000, channels: 2 });
    const f = parseWavHeader(wav)!;
    expect(pcmToFloat(wav.subarray(f.dataOffset), f).length).toBe(2);
  });
  it('refuses NaN and Inf float samples with E_CORRUPT_AUDIO', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const wav = encodeWav(Float64Array.from([0.1, bad]), {
        sampleRate: 8000,
        channels: 1,
        bits: 32,
        float: true,
      });
      const f = parseWavHeader(wav)!;
      expect(code(() => pcmToFloat(wav.subarray(f.dataOffset), f))).toBe('E_CORRUPT_AUDIO');
    }
  });
  it('finds one NaN or infinity at any position of any length, and passes every finite extreme', () => {
    for (let n = 1; n <= 40; n++) {
      for (let at = 0; at < n; at++) {
        for (const bad of [NaN, Infinity, -Infinity]) {
          const x = new Float32Array(n).fill(0.25);
          x[at] = bad;
          expect(
            code(() => assertFinite(x)),
            `${bad} at ${at} of ${n}`,
          ).toBe('E_CORRUPT_AUDIO');
        }
      }
      const ok = Float32Array.from({ length: n }, (_, i) => [3.4e38, -3.4e38, 1e-45, -0, 0, 1][i % 6]);
      expect(() => assertFinite(ok)).not.toThrow();
    }
    expect(() => assertFinite(new Float32Array(0))).not.toThrow();
  });
});

describe('RF64', () => {
  it('takes the data size from the ds64 chunk', () => {
    const wav = encodeWav(new Float32Array(4), { sampleRate: 8000, channels: 1 });
    const ds64 = Buffer.alloc(8 + 28);
    ds64.write('ds64', 0, 'latin1');
    ds64.writeUInt32LE(28, 4);
    ds64.writeUInt32LE(5, 8 + 8); // data size low word
    ds64.writeUInt32LE(1, 8 + 12); // data size high word → 2^32 + 5
    const rf = Buffer.concat([wav.subarray(0, 12), ds64, wav.subarray(12)]);
    rf.write('RF64', 0, 'latin1');
    rf.writeUInt32LE(0xffffffff, 4);
    rf.writeUInt32LE(0xffffffff, 12 + 36 + 24 + 4); // data chunk size field
    const f = parseWavHeader(rf)!;
    expect(f.dataSize).toBe(2 ** 32 + 5);
    expect(f.dataOffset).toBe(44 + 36);
  });
});
