import { describe, expect, it } from 'vitest';
import { summarize } from './summary';
import { emptySongMap } from '../testing/songmap-fixture';

describe('summarize', () => {
  const base = emptySongMap('j', {
    duration_sec: 12.5,
    tempo: { bpm_global: 127.96, curve: [], confidence: 0.9, alternatives: [] },
    key: [{ start: 0, end: 12.5, tonic: 'F#', mode: 'minor', conf: 0.8 }],
    tags: {
      title: 'T',
      artist: 'A',
      album: null,
      format: 'mp3',
      codec: null,
      source_sample_rate: null,
      source_channels: null,
    },
  });
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
