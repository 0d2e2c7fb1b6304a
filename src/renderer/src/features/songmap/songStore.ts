/** The open song: job row, detected song map and the user's edits (stored apart by the core). */
import { create } from 'zustand';
import type { Edits, Job } from '../../../../shared/domain';
import type { SongMap } from '../../../../shared/songmap';
import { ApiError, call } from '../../api/client';
import { plainError } from '../../ui/format';

export interface SongState {
  id: string | null;
  job: Job | null;
  map: SongMap | null;
  edits: Edits | null;
  loading: boolean;
  error: string | null;
  saving: boolean;
}
export interface SongActions {
  load(id: string): Promise<void>;
  /** merges `patch` into the edits; a field set to undefined is reverted to the detection */
  edit(patch: Partial<Edits>): Promise<void>;
  revertAll(): Promise<void>;
}

const describe = (e: unknown): string =>
  e instanceof ApiError ? `${plainError(e.code, e.message)} (${e.code})` : 'The core did not answer.';

/** merge, dropping reverted (undefined) fields and empty chord maps; null when nothing is left */
export function mergeEdits(base: Edits | null, patch: Partial<Edits>): Edits | null {
  const out: Record<string, unknown> = { ...(base ?? {}) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) delete out[k];
    else out[k] = v;
  }
  if (out.chords && Object.keys(out.chords as object).length === 0) delete out.chords;
  if (out.downbeatOffset === 0) delete out.downbeatOffset;
  return Object.keys(out).length ? (out as Edits) : null;
}

let loadGen = 0;
export const useSong = create<SongState & SongActions>()((set, get) => ({
  id: null,
  job: null,
  map: null,
  edits: null,
  loading: false,
  error: null,
  saving: false,
  async load(id) {
    const gen = ++loadGen;
    set({ id, job: null, map: null, edits: null, loading: true, error: null });
    try {
      const [job, map, edits] = await Promise.all([
        call('jobs.get', { id }),
        call('jobs.songMap', { id }),
        call('edits.get', { id }),
      ]);
      if (gen === loadGen) set({ job, map, edits, loading: false });
    } catch (e) {
      if (gen === loadGen) set({ loading: false, error: describe(e) });
    }
  },
  async edit(patch) {
    const { id, edits } = get();
    if (!id) return;
    set({ saving: true });
    try {
      const saved = await call('edits.set', { id, edits: mergeEdits(edits, patch) });
      set({ edits: saved, saving: false, error: null });
    } catch (e) {
      set({ saving: false, error: describe(e) });
    }
  },
  async revertAll() {
    const { id } = get();
    if (!id) return;
    try {
      set({ edits: await call('edits.set', { id, edits: null }) });
    } catch (e) {
      set({ error: describe(e) });
    }
  },
}));
