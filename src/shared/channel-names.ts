/**
 * Channel and event names only, with no schema library, so the sandboxed preload can import them
 * without bundling zod. contract.ts checks at compile time that these lists equal its keys.
 */
export const CHANNEL_NAMES = [
  'app.info',
  'jobs.submit',
  'jobs.list',
  'jobs.rows',
  'jobs.get',
  'jobs.songMap',
  'jobs.cancel',
  'jobs.retry',
  'jobs.moveToTop',
  'jobs.delete',
  'jobs.cleanup',
  'edits.get',
  'edits.set',
  'db.stats',
  'db.backup',
  'backups.list',
  'backups.restore',
  'settings.get',
  'settings.set',
  'dialog.openAudio',
] as const;

export const EVENT_NAME_LIST = [
  'job.updated',
  'job.progress',
  'jobs.removed',
  'db.restored',
  'app.notice',
] as const;

/** IPC channel names as seen by ipcMain / ipcRenderer. */
export const ipcInvokeName = (c: string): string => `performia:${c}`;
export const ipcEventName = (e: string): string => `performia:event:${e}`;
