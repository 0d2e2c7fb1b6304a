/** Shared fixtures for the store's tests: temp data dirs, inputs, a minimal valid song map. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SongMapSchema, type JobSummary, type SongMap } from '../../shared';
import type { NewJobInput } from './store-api';
import { openJobStore, type JobStoreExt, type OpenJobStoreOptions } from './store';
import { emptySongMap } from '../testing/songmap-fixture';

const made: string[] = [];
let cleanupHooked = false;

/** a fresh temp dir, removed when the test process exits */
export function tempDir(prefix = 'performia-db-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  if (!cleanupHooked) {
    cleanupHooked = true;
    process.once('exit', () => {
      for (const d of made) fs.rmSync(d, { recursive: true, force: true });
    });
  }
  return dir;
}

export function input(name: string, extra: Partial<NewJobInput> = {}): NewJobInput {
  return {
    inputPath: `/music/${name}`,
    fileName: name,
    sizeBytes: 1000,
    mtimeMs: 1_700_000_000_000,
    contentHash: null,
    analyzerVersion: 'test-1',
    ...extra,
  };
}

export function songMap(id: string, bpm = 120): SongMap {
  return SongMapSchema.parse(
    emptySongMap(id, {
      duration_sec: 180,
      meter: { numerator: 4, denominator: 4 },
      tempo: { bpm_global: bpm, curve: [[0, bpm]], confidence: 0.9, alternatives: [] },
      beats: [0.5, 1, 1.5],
      downbeats: [0.5],
      key: [{ start: 0, end: 180, tonic: 'A', mode: 'minor', conf: 0.8 }],
      stages: { decode: { status: 'ok' } },
    }),
  );
}

export function summary(extra: Partial<JobSummary> = {}): JobSummary {
  return { durationSec: 180, bpm: 120, key: 'Am', camelot: '8A', title: null, artist: null, ...extra };
}

/** opens a store in a fresh temp dir; returns it with its dir */
export async function freshStore(
  options: Partial<OpenJobStoreOptions> = {},
): Promise<{ store: JobStoreExt; dir: string }> {
  const dir = options.dataDir ?? tempDir();
  // the engine version matches input()'s, so completing a job keeps the version tests look up by
  const store = await openJobStore({ analyzerVersion: 'test-1', ...options, dataDir: dir });
  return { store, dir };
}

/** drives a job to completed with the given summary */
export function completeWith(store: JobStoreExt, id: string, s: Partial<JobSummary> = {}): void {
  store.transition(id, 'processing');
  store.completeJob(id, songMap(id, s.bpm ?? 120), summary(s));
}
