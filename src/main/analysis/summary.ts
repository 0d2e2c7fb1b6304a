/**
 * The browsing summary of a song map (results-table columns): duration, BPM, key, Camelot, tags.
 */
import type { JobSummary } from '../../shared/domain';
import type { SongMap } from '../../shared/songmap';
import { camelotOfName, keyName, mainKey } from '../../shared/keys';

export function summarize(map: SongMap): JobSummary {
  const key = mainKey(map.key);
  return {
    durationSec: map.duration_sec,
    bpm: map.tempo ? Math.round(map.tempo.bpm_global * 10) / 10 : null,
    key: key ? keyName(key) : null,
    camelot: key ? (key.camelot ?? camelotOfName(keyName(key))) : null,
    title: map.tags?.title ?? null,
    artist: map.tags?.artist ?? null,
  };
}
