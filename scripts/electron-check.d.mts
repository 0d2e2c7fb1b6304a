export type ElectronCheck = { ok: true; path: string } | { ok: false; reason: string };
/** Is the Electron binary installed (without triggering electron's lazy download)? */
export function electronBinary(): ElectronCheck;
/** …and can a window open here (a display on Linux)? */
export function electronRunnable(): ElectronCheck;
