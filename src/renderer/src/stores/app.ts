/** Navigation and user-facing notices. */
import { create } from 'zustand';

export type View = 'library' | 'settings' | 'song';
export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  message: string;
}

export interface AppState {
  view: View;
  /** the job whose song map is open */
  songId: string | null;
  notices: Notice[];
}
export interface AppActions {
  show(view: Exclude<View, 'song'>): void;
  openSong(id: string): void;
  notify(level: Notice['level'], message: string): void;
  dismiss(id: number): void;
}

let nextNotice = 1;
export const useApp = create<AppState & AppActions>()((set) => ({
  view: 'library',
  songId: null,
  notices: [],
  show: (view) => set({ view }),
  openSong: (id) => set({ view: 'song', songId: id }),
  notify: (level, message) =>
    set((s) =>
      // the same message twice in a row (e.g. repeated upload failures) is shown once
      s.notices.some((n) => n.message === message)
        ? s
        : { notices: [...s.notices, { id: nextNotice++, level, message }] },
    ),
  dismiss: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
}));
