import { describe, expect, it } from 'vitest';
import { AppError } from '../../shared';
import { parseWorkerMessage } from './protocol';
import { toErrorMessage } from './worker-host';
import { emptySongMap } from '../testing/songmap-fixture';

const songMap = emptySongMap('j1', { duration_sec: 1 });
const summary = { durationSec: 1, bpm: null, key: null, camelot: null, title: null, artist: null };

describe('worker protocol', () => {
  it('accepts well-formed progress, done and error messages', () => {
    expect(parseWorkerMessage({ type: 'progress', jobId: 'j1', stage: 'decode', fraction: 0.5 }).ok).toBe(
      true,
    );
    expect(parseWorkerMessage({ type: 'done', jobId: 'j1', songMap, summary }).ok).toBe(true);
    expect(parseWorkerMessage({ type: 'done', jobId: 'j1', songMap, summary, decoderCpuMs: 212 }).ok).toBe(
      true,
    );
    expect(parseWorkerMessage({ type: 'error', jobId: 'j1', code: 'E_DECODE', message: 'bad' }).ok).toBe(
      true,
    );
  });

  it('rejects anything else with a short reason naming the field', () => {
    const bad: unknown[] = [
      null,
      'done',
      { type: 'done', jobId: 'j1', songMap: { ...songMap, beats: [-1] }, summary },
      { type: 'done', jobId: 'j1', songMap },
      { type: 'done', jobId: 'j1', songMap, summary, decoderCpuMs: -1 },
      { type: 'error', jobId: 'j1', code: 'E_MADE_UP', message: 'x' },
      { type: 'progress', jobId: 'j1', stage: 'decode', fraction: Number.NaN },
      { type: 'exec', jobId: 'j1' },
    ];
    for (const m of bad) {
      const r = parseWorkerMessage(m);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeLessThan(200);
    }
    const r = parseWorkerMessage({
      type: 'done',
      jobId: 'j1',
      songMap: { ...songMap, beats: [-1] },
      summary,
    });
    expect(!r.ok && r.reason).toMatch(/songMap\.beats\.0/);
  });

  it('errors cross as {code, message} only', () => {
    expect(toErrorMessage('j', new AppError('E_TRUNCATED', 'cut short'))).toEqual({
      type: 'error',
      jobId: 'j',
      code: 'E_TRUNCATED',
      message: 'cut short',
    });
    const e = toErrorMessage('j', new TypeError('x is undefined'));
    expect(e).toEqual({
      type: 'error',
      jobId: 'j',
      code: 'E_ANALYSIS',
      message: 'Analysis failed: x is undefined',
    });
    expect(toErrorMessage('j', 'a string').type).toBe('error');
    // an AppError-shaped object from another realm counts as AppError
    expect(toErrorMessage('j', { name: 'AppError', code: 'E_EMPTY', message: 'empty' })).toMatchObject({
      code: 'E_EMPTY',
    });
  });
});
