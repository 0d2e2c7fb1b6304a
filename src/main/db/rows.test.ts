import { describe, expect, it } from 'vitest';
import { col, JOB_FIELDS } from './rows';

describe('rows', () => {
  it('tupleToJob reads the positions JOB_FIELDS declares', () => {
    // tupleToJob indexes by number for speed; pin the positions it relies on
    expect([
      col('j.id'),
      col('j.status'),
      col('j.reused_from'),
      col('j.duration_sec'),
      col('j.artist'),
      col('j.result_bytes'),
    ]).toEqual([0, 1, 18, 19, 24, 25]);
    expect(JOB_FIELDS).toHaveLength(26);
  });
});
