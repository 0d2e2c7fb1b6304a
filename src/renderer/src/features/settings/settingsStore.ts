/** Settings and database info, loaded from the core; the theme is applied to <html data-theme>. */
import { create } from 'zustand';
import type { BackupEntry, Settings, Stats } from '../../../../shared/domain';
import { ApiError, call } from '../../api/client';
import { plainError } from '../../ui/format';
import { setThemeAttributes } from '../../ui/theme';

export interface SettingsState {
  settings: Settings | null;
  stats: Stats | null;
  /** backups with what each holds (backups.list), newest first */
  backups: BackupEntry[] | null;
  error: string | null;
}
export interface SettingsActions {
  load(): Promise<void>;
  /** database info and the backups list */
  loadStats(): Promise<void>;
  save(patch: Partial<Settings>): Promise<boolean>;
}

const describe = (e: unknown): string =>
  e instanceof ApiError ? `${plainError(e.code, e.message)} (${e.code})` : 'The core did not answer.';

export function applyTheme(theme: Settings['theme']): void {
  if (typeof document === 'undefined') return;
  setThemeAttributes(theme);
  try {
    localStorage.setItem('performia.theme', theme); // read at start-up so the first paint has the right colours
  } catch {
    /* storage may be unavailable; the theme still applies for this session */
  }
}

export const useSettings = create<SettingsState & SettingsActions>()((set, get) => ({
  settings: null,
  stats: null,
  backups: null,
  error: null,
  async load() {
    try {
      const settings = await call('settings.get', {});
      applyTheme(settings.theme);
      set({ settings, error: null });
    } catch (e) {
      set({ error: describe(e) });
    }
    await get().loadStats();
  },
  async loadStats() {
    try {
      const [stats, list] = await Promise.all([call('db.stats', {}), call('backups.list', {})]);
      set({ stats, backups: list.backups });
    } catch (e) {
      set({ error: describe(e) });
    }
  },
  async save(patch) {
    try {
      const settings = await call('settings.set', patch);
      applyTheme(settings.theme);
      set({ settings, error: null });
      return true;
    } catch (e) {
      set({ error: describe(e) });
      return false;
    }
  },
}));
