import { describe, expect, it } from 'vitest';
import { scoreSong, summarise, type GroundTruth } from './score';

const beats = Array.from({ length: 40 }, (_, i) => 0.5 + i * 0.5); // 120 BPM, 0.5 … 20
const gt: GroundTruth = {
  id: 't1',
  source: 'synthetic',
  audio: 't1.wav',
  duration_sec: 21,
  tempo: { bpm_global: 120, curve: [[0.5, 120]] },
  meter: { numerator: 4, denominator: 4 },
  beats,
  downbeats: beats.filter((_, i) => i % 4 === 0),
  key: [{ start: 0, end: 21, tonic: 'C', mode: 'major' }],
  chords: [
    { start: 0, end: 0.5, label: 'N' },
    { start: 0.5, end: 20.5, label: 'C:maj' },
    { start: 20.5, end: 21, label: 'N' },
  ],
  sections: [
    { start: 0.5, end: 10.5, label: 'A', name: 'verse' },
    { start: 10.5, end: 20.5, label: 'B', name: 'chorus' },
  ],
  loudness: { integrated_lufs: -14.2 },
  flags: { drums: true, tempo_varies: false, key_changes: false },
  music: { start_sec: 0.5, end_sec: 20.5 },
};

describe('scoreSong', () => {
  it('scores a perfect song map 1 everywhere and loudness error as |Δ|', () => {
    const r = scoreSong(gt, {
      tempo: { bpm_global: 120, curve: [[0.5, 120]] },
      beats,
      downbeats: gt.downbeats,
      meter: { numerator: 4, denominator: 4 },
      key: [{ start: 0, end: 21, tonic: 'C', mode: 'major' }],
      chords: [{ start: 0.5, end: 20.5, label: 'C' }],
      sections: [
        { start: 0.5, end: 10.5, label: 'verse', letter: 'A' },
        { start: 10.5, end: 20.5, label: 'chorus', letter: 'B' },
      ],
      loudness: { integrated_lufs: -14.0 },
    });
    for (const m of ['tempo_acc1', 'beat_f', 'beat_cmlt', 'downbeat_f', 'meter', 'key', 'chord_majmin', 'section_f3', 'section_pairwise'] as const) {
      expect(r.scores[m], m).toBeCloseTo(1, 12);
    }
    expect(r.scores.lufs_err).toBeCloseTo(0.2, 12);
  });

  it('marks missing predictions null and wrong ones 0; a wrong meter scores 0', () => {
    const r = scoreSong(gt, {
      tempo: { bpm_global: 60, curve: [] },
      beats: [],
      downbeats: [],
      meter: { numerator: 3, denominator: 4 },
      key: [],
      chords: [],
      sections: [],
      loudness: null,
    });
    expect(r.scores.tempo_acc1).toBe(0);
    expect(r.scores.tempo_acc2).toBe(1); // ½ of 120
    expect(r.scores.tempo_curve4).toBe(0);
    expect(r.scores.beat_f).toBeNull();
    expect(r.scores.meter).toBe(0);
    expect(r.scores.key).toBeNull();
    expect(r.scores.chord_root).toBeNull();
    expect(r.scores.section_f3).toBeNull();
    expect(r.scores.lufs_err).toBeNull();
  });

  it('leaves metrics without ground truth undefined, and an unreadable chord scores 0 with a note', () => {
    const { chords: _c, sections: _s, ...noHarmony } = gt;
    const r = scoreSong(noHarmony, { chords: [{ start: 0, end: 1, label: 'Hm' }] });
    expect(r.scores.chord_root).toBeUndefined();
    expect(r.scores.section_f3).toBeUndefined();
    const bad = scoreSong(gt, { chords: [{ start: 0, end: 1, label: 'Hm' }] });
    expect(bad.scores.chord_majmin).toBe(0);
    expect(bad.notes[0]).toMatch(/chords/);
  });
});

describe('summarise', () => {
  it('averages over songs with truth, counts a missing prediction as 0, and reports never-predicted as null', () => {
    const s = summarise([
      { id: 'a', scores: { beat_f: 1, meter: null, key: 0.5 }, notes: [] },
      { id: 'b', scores: { beat_f: null, meter: null }, notes: [] },
    ]);
    expect(s.beat_f).toEqual({ mean: 0.5, n: 2, missing: 1 }); // (1 + 0) / 2
    expect(s.meter.mean).toBeNull(); // never predicted
    expect(s.key).toEqual({ mean: 0.5, n: 1, missing: 0 }); // song b has no key truth
    expect(s.tempo_acc1).toEqual({ mean: null, n: 0, missing: 0 });
  });
});
