import { describe, expect, it } from 'vitest';
import { createUlidGenerator, ULID_RE, ulidTime } from './ulid';

describe('ulid', () => {
  it('encodes the time and is 26 Crockford characters', () => {
    const gen = createUlidGenerator(() => 1_700_000_000_123);
    const id = gen();
    expect(id).toMatch(ULID_RE);
    expect(ulidTime(id)).toBe(1_700_000_000_123);
  });

  it('is strictly increasing within one millisecond and when the clock steps back', () => {
    let now = 1_000;
    const gen = createUlidGenerator(() => now);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) ids.push(gen());
    now = 500; // clock stepped back
    for (let i = 0; i < 10; i++) ids.push(gen());
    now = 2_000;
    ids.push(gen());
    const sorted = [...ids].sort();
    expect(ids).toEqual(sorted);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ulidTime(ids[ids.length - 1])).toBe(2_000);
  });

  it('sorts by time across milliseconds and draws fresh randomness per millisecond', () => {
    let now = 10;
    const gen = createUlidGenerator(() => now);
    const a = gen();
    now = 11;
    const b = gen();
    expect(a < b).toBe(true);
    // two generators in the same ms do not collide (80 random bits)
    const other = createUlidGenerator(() => 10);
    expect(other()).not.toBe(a);
  });

  it('rejects out-of-range times', () => {
    const gen = createUlidGenerator(() => -1);
    expect(() => gen()).toThrow(RangeError);
  });
});
