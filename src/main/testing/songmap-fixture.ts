/**
 * A song map with every field present and empty (no stage ran), for tests that need a valid shape and
 * set only the fields they are about. Test-only; never used to fill a real result.
 */
import type { SongMap } from '../../shared/songmap';

export function emptySongMap(id: string, overrides: Partial<SongMap> = {}): SongMap {
  return {
    id,
    duration_sec: 0,
    meter: null,
    tempo: null,
    beats: [],
    downbeats: [],
    key: [],
    key_alternatives: [],
    tuning: null,
    chords: [],
    sections: [],
    loudness: null,
    waveform: null,
    lyrics: [],
    performance: { melody: [], bass: [] },
    tags: null,
    stages: {},
    provenance: { engine: 'test', engine_version: '1', created_at: '2026-01-01T00:00:00Z' },
    ...overrides,
  };
}
