/**
 * The OS's per-user application-data folder for Performia, used when `--data-dir` is not given.
 * Pure: platform, environment and home directory are parameters so every branch is testable anywhere.
 */
import path from 'node:path';

export const APP_DIR_NAME = 'Performia';

export interface DataDirEnv {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  homedir: string;
}

export function defaultDataDir({ platform, env, homedir }: DataDirEnv): string {
  if (platform === 'win32') {
    const appData = env.APPDATA;
    // %APPDATA% is the roaming profile folder; fall back to its usual place if the variable is unset
    return path.win32.join(appData && appData.length > 0 ? appData : path.win32.join(homedir, 'AppData', 'Roaming'), APP_DIR_NAME);
  }
  if (platform === 'darwin') {
    return path.posix.join(homedir, 'Library', 'Application Support', APP_DIR_NAME);
  }
  // XDG Base Directory spec: a relative XDG_DATA_HOME is invalid and must be ignored
  const xdg = env.XDG_DATA_HOME;
  const base = xdg && path.posix.isAbsolute(xdg) ? xdg : path.posix.join(homedir, '.local', 'share');
  return path.posix.join(base, APP_DIR_NAME);
}
