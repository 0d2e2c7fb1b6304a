/**
 * Monotonic ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32, 26 chars.
 * Lexicographic order = creation order, which is what the "created" sort and the run queue rely on.
 * Within one millisecond (or if the clock steps back) the random part is incremented instead of
 * redrawn, so ids from one generator are strictly increasing.
 */
import { randomFillSync } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;

export type UlidGenerator = (now?: number) => string;

function encodeTime(ms: number): string {
  if (!Number.isInteger(ms) || ms < 0 || ms > MAX_TIME) throw new RangeError(`ULID time out of range: ${ms}`);
  let out = '';
  let t = ms;
  for (let i = 0; i < TIME_LEN; i++) {
    out = ALPHABET[t % 32] + out;
    t = Math.floor(t / 32);
  }
  return out;
}

/** 16 base32 digits (5 bits each) from crypto randomness */
function randomDigits(): number[] {
  const bytes = randomFillSync(new Uint8Array(RANDOM_LEN));
  return Array.from(bytes, (b) => b & 31);
}

/** Adds one to the base32 digit array; false on overflow (2^80 ids in one ms: practically never). */
function increment(digits: number[]): boolean {
  for (let i = digits.length - 1; i >= 0; i--) {
    if (digits[i] < 31) {
      digits[i]++;
      return true;
    }
    digits[i] = 0;
  }
  return false;
}

export function createUlidGenerator(clock: () => number = Date.now): UlidGenerator {
  let lastTime = -1;
  let lastRandom: number[] = [];
  return (now?: number) => {
    let time = now ?? clock();
    if (time <= lastTime) {
      time = lastTime;
      if (!increment(lastRandom)) throw new RangeError('ULID random part overflowed within one millisecond');
    } else {
      lastTime = time;
      lastRandom = randomDigits();
    }
    return encodeTime(time) + lastRandom.map((d) => ALPHABET[d]).join('');
  };
}

/** the process-wide generator used by the store */
export const ulid: UlidGenerator = createUlidGenerator();

export const ULID_RE = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** milliseconds encoded in a ULID's time part */
export function ulidTime(id: string): number {
  let t = 0;
  for (let i = 0; i < TIME_LEN; i++) {
    const v = ALPHABET.indexOf(id[i]);
    if (v < 0) throw new RangeError(`not a ULID: ${id}`);
    t = t * 32 + v;
  }
  return t;
}
