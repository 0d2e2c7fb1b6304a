/**
 * Share of a job's wall time each engine progress stage takes, roughly as measured. Its own module,
 * with no imports, so the runner on the main thread can weigh progress without bundling the engine.
 */
export const PROGRESS_WEIGHTS: Readonly<Record<string, number>> = {
  probe: 0.02,
  decode: 0.28,
  spectrum: 0.1,
  rhythm: 0.25,
  harmony: 0.25,
  sections: 0.1,
};
