/**
 * Sections end to end on two corpus songs, scored with the bench's mir_eval-style metrics.
 * Skips when ../shared/corpus is not there (it is never copied into the repository).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateSections } from '../../../bench/metrics/sections';
import { analyzeFile } from './pipeline';
import { CORPUS_DIR, haveCorpus } from '../testing/corpus';

const CORPUS = CORPUS_DIR;
const have = haveCorpus('segment corpus test');

describe.skipIf(!have)('sections on the corpus', () => {
  // s14: short WAV (intro/verse/chorus/outro); s06: no drums, 66 BPM
  for (const id of ['s14', 's06']) {
    it(`${id}: boundaries within 3 s and letter clustering well above the peers`, async () => {
      const gt = JSON.parse(readFileSync(join(CORPUS, 'gt', `${id}.gt.json`), 'utf8'));
      const { songMap } = await analyzeFile(join(CORPUS, 'audio', gt.audio), { jobId: id });
      expect(songMap.stages.sections?.status).toBe('ok');
      const s = evaluateSections(
        gt.sections.map((x: { start: number; end: number; label: string }) => ({
          start: x.start,
          end: x.end,
          label: x.label,
        })),
        songMap.sections.map((x) => ({ start: x.start, end: x.end, label: x.letter ?? x.label })),
        { start: gt.music.start_sec, end: gt.music.end_sec },
      );
      // librosa scores 0.399 / 0.515 on average over the corpus
      expect(s.f3).toBeGreaterThanOrEqual(0.6);
      expect(s.pairwise).toBeGreaterThanOrEqual(0.7);
      // every boundary is a downbeat of the song map
      for (const sec of songMap.sections) expect(songMap.downbeats).toContain(sec.start);
    });
  }
});
