import { describe, expect, it } from 'vitest';
import { defaultConcurrency, defaultSettings } from './settings';

describe('default concurrency', () => {
  it('is every core but one, at least 1, at most 64', () => {
    expect([1, 2, 3, 4, 8, 16, 65, 128].map((c) => defaultConcurrency(c))).toEqual([1, 1, 2, 3, 7, 15, 64, 64]);
    expect(defaultSettings(8).concurrency).toBe(7);
    expect(defaultSettings(1).concurrency).toBe(1);
  });
});
