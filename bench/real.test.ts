import { describe, expect, it } from 'vitest';
import { emptySongMap } from '../src/main/testing/songmap-fixture';
import type { SongMap } from '../src/shared/songmap';
import { agrees, checkSongMap, tempoRelation } from './real-check';
import { agreementFigures, parseArgs, stageString, summarise, type TrackReport } from './real';

/** A plausible 20-second map in which every stage is ok. */
function goodMap(): SongMap {
  const beats = Array.from({ length: 40 }, (_, i) => 0.5 + i * 0.5); // 120 BPM, 0.5 … 20.0
  return emptySongMap('t', {
    duration_sec: 20.5,
    tempo: { bpm_global: 120, curve: [[0.5, 120]], confidence: 0.8, alternatives: [] },
    beats,
    downbeats: beats.filter((_, i) => i % 4 === 0),
    meter: { numerator: 4, denominator: 4 },
    tuning: { a4_hz: 440, cents: 0 },
    key: [{ start: 0, end: 20.5, tonic: 'A', mode: 'minor', conf: 0.7 }],
    chords: [
      { start: 0, end: 10, label: 'Am', conf: 0.6 },
      { start: 10, end: 20.5, label: 'G', conf: 0.5 },
    ],
    sections: [
      { start: 0, end: 10, label: 'verse', letter: 'A' },
      { start: 10, end: 20.5, label: 'chorus', letter: 'B' },
    ],
    loudness: {
      integrated_lufs: -14,
      lra: 5,
      true_peak_dbtp: -1,
      sample_peak_dbfs: -1.2,
      replaygain_track_gain_db: -4,
      replaygain_track_peak: 0.87,
    },
    waveform: { sample_rate: 22050, levels: [{ samples_per_peak: 256, min: [-0.5], max: [0.5] }] },
    stages: {
      decode: { status: 'ok' },
      tempo: { status: 'ok' },
      beats: { status: 'ok' },
      meter: { status: 'ok' },
      tuning: { status: 'ok' },
      key: { status: 'ok' },
      chords: { status: 'ok' },
      sections: { status: 'ok' },
      loudness: { status: 'ok' },
      waveform: { status: 'ok' },
    },
  });
}

const problems = (m: SongMap): string[] => checkSongMap(m).map((v) => `${v.stage}: ${v.problem}`);

describe('tempo agreement', () => {
  it('relates tempi by metrical factors within 4 % (inclusive)', () => {
    expect(tempoRelation(120, 120)).toBe('same');
    expect(tempoRelation(124.8, 120)).toBe('same'); // exactly 4 %
    expect(tempoRelation(125, 120)).toBe('none');
    expect(tempoRelation(60, 120)).toBe('octave');
    expect(tempoRelation(241, 120)).toBe('octave');
    expect(tempoRelation(40, 120)).toBe('octave'); // ⅓
    expect(tempoRelation(180, 120)).toBe('three-two');
    expect(tempoRelation(80, 120)).toBe('three-two');
    expect(tempoRelation(100, 120)).toBe('none');
    expect(tempoRelation(null, 120)).toBe('none');
    expect(tempoRelation(120, 0)).toBe('none');
    expect(tempoRelation(NaN, 120)).toBe('none');
  });

  it('counts 3/2 only in the with-3/2 mode', () => {
    expect(agrees('same', 'exact')).toBe(true);
    expect(agrees('octave', 'exact')).toBe(false);
    expect(agrees('octave', 'octave')).toBe(true);
    expect(agrees('three-two', 'octave')).toBe(false);
    expect(agrees('three-two', 'with-3/2')).toBe(true);
    expect(agrees('none', 'with-3/2')).toBe(false);
    expect(agreementFigures(['same', 'octave', 'three-two', 'none', null])).toEqual({
      tracks: 4,
      exact: 1,
      octave: 2,
      with32: 3,
    });
  });
});

describe('0 invented results', () => {
  it('accepts a plausible map and an honestly failed one', () => {
    expect(problems(goodMap())).toEqual([]);
    const m = goodMap();
    m.tempo = null;
    m.beats = [];
    m.downbeats = [];
    m.meter = null;
    m.stages.tempo = { status: 'failed', reason: 'no periodic onsets' };
    m.stages.beats = { status: 'failed', reason: 'no periodic onsets' };
    m.stages.meter = { status: 'failed', reason: 'no periodic onsets' };
    expect(problems(m)).toEqual([]);
  });

  it('flags a failed stage whose fields are filled, or that gives no reason', () => {
    const m = goodMap();
    m.stages.key = { status: 'failed', reason: 'chroma does not match any key profile' };
    m.stages.chords = { status: 'failed' };
    m.chords = [];
    expect(problems(m)).toEqual([
      'key: failed, but key is filled (invented result)',
      'chords: failed without a reason',
    ]);
  });

  it('flags ok stages with empty or implausible fields', () => {
    const m = goodMap();
    m.tempo = { ...m.tempo!, bpm_global: 300 };
    m.beats = [...m.beats.slice(0, 5), 1.0, ...m.beats.slice(5)]; // 1.0 repeated: not increasing
    m.key = [{ ...m.key[0], tonic: 'H' }];
    m.sections = [];
    m.loudness = null;
    m.stages.meter = { status: 'degraded' };
    const p = problems(m);
    expect(p).toContain('tempo: ok, but bpm_global 300 outside 40–240');
    expect(p.some((x) => x.startsWith('beats: ok, but beats[5] = 1 does not increase'))).toBe(true);
    expect(p).toContain('key: ok, but key tonic "H" is not a pitch name');
    expect(p).toContain('sections: ok, but no sections');
    expect(p).toContain('loudness: ok, but loudness is null');
    expect(p).toContain('meter: degraded without a reason');
  });

  it('flags beats after the end, downbeats that are not beats and a missing status', () => {
    const m = goodMap();
    m.beats = [...m.beats, 30];
    m.downbeats = [...m.downbeats, 0.75];
    delete m.stages.waveform;
    const p = problems(m);
    expect(p).toContain('beats: ok, but beats[40] = 30 is after the end (20.5 s)');
    expect(p).toContain('meter: ok, but downbeat 0.75 is not one of the beats');
    expect(p).toContain('waveform: no stage status');
  });
});

describe('bench:real runner parts', () => {
  it('parses its arguments', () => {
    expect(parseArgs(['--dirs', 'a,b', '--json', 'o.json', '--no-peers', '--limit', '3'])).toMatchObject({
      dirs: ['a', 'b'],
      json: 'o.json',
      peers: false,
      limit: 3,
      minSec: 30,
    });
    expect(parseArgs(['--no-cache']).cache).toBeUndefined();
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown argument/);
    expect(() => parseArgs(['--json'])).toThrow(/needs a value/);
  });

  it('summarises stage failures by reason and agreement where the peers agree', () => {
    const rep = (over: Partial<TrackReport>): TrackReport => ({
      track: 'x',
      path: '/x',
      source: 's',
      duration_sec: 60,
      crashed: false,
      ms: 1,
      stages: { tempo: { status: 'ok' } },
      bpm: 120,
      tempo_confidence: 0.5,
      meter: '4/4',
      key: 'C maj',
      violations: [],
      peers: null,
      vs_essentia: 'same',
      vs_music_tempo: 'same',
      peers_relation: 'same',
      ...over,
    });
    const s = summarise([
      rep({}),
      rep({ vs_essentia: 'none', peers_relation: 'none' }),
      rep({ vs_essentia: 'three-two', peers_relation: 'three-two' }),
      rep({
        bpm: null,
        stages: { tempo: { status: 'failed', reason: 'no periodic onsets (pulse salience 0.21)' } },
        vs_essentia: 'none',
        peers_relation: 'same',
      }),
      rep({ crashed: true, error: 'boom', vs_essentia: null, peers_relation: null }),
    ]);
    expect(s.crashes).toBe(1);
    expect(s.tempo_failed).toBe(1);
    expect(s.stage_failures).toEqual({ tempo: { 'no periodic onsets (pulse salience #)': 1 } });
    expect(s.vs_essentia).toEqual({ tracks: 4, exact: 1, octave: 1, with32: 2 });
    // peers agree (octave) on tracks 1 and 4: Performia agrees on 1 of them
    expect(s.vs_essentia_where_peers_agree).toEqual({ tracks: 2, exact: 1, octave: 1, with32: 1 });
    expect(s.vs_essentia_where_peers_agree_with32).toEqual({ tracks: 3, exact: 1, octave: 1, with32: 2 });
    expect(stageString({ decode: { status: 'ok' }, tempo: { status: 'failed' }, beats: { status: 'degraded' } })).toBe(
      '.Fd???????',
    );
  });
});
