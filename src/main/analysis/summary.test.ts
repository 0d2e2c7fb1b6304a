import { describe, expect, it } from 'vitest';
import { camelot, keyName, mainKey, pitchClass, summarize } from './summary';
import type { SongMap } from '../../shared/songmap';

describe('key names', () => {
  it('maps the whole Camelot wheel', () => {
    const majors = ['B', 'F#', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E'];
    const minors = ['G#', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#'];
    majors.forEach((t, i) => expect(camelot(t, 'major')).toBe(`${i + 1}B`));
    minors.forEach((t, i) => expect(camelot(t, 'minor')).toBe(`${i + 1}A`));
    expect(camelot('Gb', 'major')).toBe('2B');
    expect(camelot('H', 'major')).toBeNull();
  });
  it('spells pitch classes and conventional key names', () => {
    expect([pitchClass('Cb'), pitchClass('B#'), pitchClass('E#'), pitchClass('Bbb')]).toEqual([11, 0, 5, 9]);
    expect(keyName('A', 'minor')).toBe('Am');
    expect(keyName('C', 'major')).toBe('C');
  });
  it('picks the key held longest, adding up its regions', () => {
    const r = (start: number, end: number, tonic: string) => ({
      start,
      end,
      tonic,
      mode: 'major' as const,
      conf: 1,
    });
    expect(mainKey([r(0, 10, 'C'), r(10, 25, 'G'), r(25, 40, 'C')])!.tonic).toBe('C');
    expect(mainKey([])).toBeNull();
  });
});

describe('summarize', () => {
  const base = {
    id: 'j',
    duration_sec: 12.5,
    meter: null,
    tempo: { bpm_global: 127.96, curve: [], confidence: 0.9, alternatives: [] },
    beats: [],
    downbeats: [],
    key: [{ start: 0, end: 12.5, tonic: 'F#', mode: 'minor' as const, conf: 0.8 }],
    key_alternatives: [],
    tuning: null,
    chords: [],
    sections: [],
    loudness: null,
    waveform: null,
    lyrics: [],
    performance: { melody: [], bass: [] },
    tags: {
      title: 'T',
      artist: 'A',
      album: null,
      format: 'mp3',
      codec: null,
      source_sample_rate: null,
      source_channels: null,
    },
    stages: {},
    provenance: { engine: 'e', engine_version: '1', created_at: 'now' },
  } satisfies SongMap;
  it('fills every column from the song map', () => {
    expect(summarize(base)).toEqual({
      durationSec: 12.5,
      bpm: 128,
      key: 'F#m',
      camelot: '11A',
      title: 'T',
      artist: 'A',
    });
  });
  it('leaves what was not computed empty', () => {
    expect(summarize({ ...base, tempo: null, key: [], tags: null })).toEqual({
      durationSec: 12.5,
      bpm: null,
      key: null,
      camelot: null,
      title: null,
      artist: null,
    });
  });
});
