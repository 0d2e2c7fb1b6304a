/**
 * Settings: key → JSON rows over defaults. Stored values that no longer validate fall back to the
 * default for that key rather than breaking start-up.
 */
import os from 'node:os';
import { AppError, SettingsSchema, type Settings } from '../../shared';
import { immediate, prepare, type Db } from './sql';

/**
 * Analyses at once unless the user chose otherwise: every core but one (kept for the UI and the
 * main thread's database work), at least 1, at most the setting's maximum of 64. The one place the
 * default is decided; the core reads it through getSettings.
 */
export function defaultConcurrency(cores: number = os.availableParallelism()): number {
  return Math.min(64, Math.max(1, Math.floor(cores) - 1));
}

export function defaultSettings(cores: number = os.availableParallelism()): Settings {
  return {
    concurrency: defaultConcurrency(cores),
    retentionDays: null,
    theme: 'system',
    keepBackups: 5,
  };
}

export function getSettings(db: Db, defaults: Settings = defaultSettings()): Settings {
  const merged: Record<string, unknown> = { ...defaults };
  for (const row of prepare<[], { key: string; value: string }>(
    db,
    'SELECT key, value FROM settings',
  ).all()) {
    if (!(row.key in defaults)) continue;
    try {
      const value: unknown = JSON.parse(row.value);
      const shape = SettingsSchema.shape[row.key as keyof Settings];
      if (shape.safeParse(value).success) merged[row.key] = value;
    } catch {
      // unreadable value: keep the default
    }
  }
  return SettingsSchema.parse(merged);
}

export function setSettings(
  db: Db,
  patch: Partial<Settings>,
  defaults: Settings = defaultSettings(),
): Settings {
  const parsed = SettingsSchema.partial().strict().safeParse(patch);
  if (!parsed.success) throw new AppError('E_INVALID_REQUEST', `Invalid settings: ${parsed.error.message}`);
  const upsert = prepare(
    db,
    'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
  );
  immediate(db, () => {
    for (const [key, value] of Object.entries(parsed.data)) {
      if (value !== undefined) upsert.run(key, JSON.stringify(value));
    }
  });
  return getSettings(db, defaults);
}
