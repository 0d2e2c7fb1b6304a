/**
 * Engine-wide types. The engine is plain TypeScript: no Electron, no database.
 * Every stage takes explicit sample rate and hop; intermediates are computed once and reused.
 */

/** Mono audio at the analysis rate. */
export interface MonoAudio {
  samples: Float32Array;
  sr: number;
}

/** Magnitude STFT, frame-major: mag[frame * nBins + bin]. */
export interface Spectrogram {
  sr: number;
  nFft: number;
  hop: number;
  nFrames: number;
  /** nFft / 2 + 1 */
  nBins: number;
  mag: Float32Array;
}

/** Progress callback: stage name and 0..1 within that stage. */
export type ProgressFn = (stage: string, fraction: number) => void;

/** Throws an AbortError-like error if the signal is aborted; call it inside long loops. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const err = new Error('analysis cancelled');
    err.name = 'AbortError';
    throw err;
  }
}

/** Whether an error is the cancellation `throwIfAborted` throws (or any AbortError). */
export const isAbort = (err: unknown): boolean => (err as Error | undefined)?.name === 'AbortError';
