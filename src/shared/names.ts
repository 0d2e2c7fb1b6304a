/**
 * Plain name lists of the contract, with no schema library: the zod schemas (domain.ts, songmap.ts),
 * the sandboxed preload and the renderer (which must not bundle zod) all import them from here.
 */
export const JOB_STATUSES = ['queued', 'processing', 'completed', 'failed', 'cancelled'] as const;
export const SORT_KEYS = ['created', 'name', 'duration', 'bpm', 'key', 'status', 'title', 'artist'] as const;
export const STAGE_NAMES = [
  'decode',
  'tempo',
  'beats',
  'meter',
  'tuning',
  'key',
  'chords',
  'sections',
  'loudness',
  'waveform',
] as const;

/**
 * A backup's file name inside <dataDir>/backups: performia-<UTC stamp to the ms>[-n].sqlite. A restore
 * names the backup by this, never by a path, so no request can make the core open another file.
 */
export const BACKUP_NAME_RE = /^performia-(\d{8}T\d{9}Z)(?:-(\d+))?\.sqlite$/;

/** File extensions taken as audio when a folder is expanded (the engine still checks magic bytes). */
export const AUDIO_EXTENSIONS = [
  'mp3', 'mp2', 'wav', 'wave', 'flac', 'ogg', 'oga', 'opus', 'm4a', 'mp4', 'aac', 'alac', 'aif', 'aiff',
  'aifc', 'caf', 'wma', 'webm', 'mka', 'ape', 'wv', 'ac3', 'amr', '3gp',
] as const;

const AUDIO_EXTENSION_SET: ReadonlySet<string> = new Set(AUDIO_EXTENSIONS);

/** True when a file name's extension is one of AUDIO_EXTENSIONS (case-insensitive); ".mp3" alone is a hidden file. */
export function isAudioName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && AUDIO_EXTENSION_SET.has(name.slice(dot + 1).toLowerCase());
}
