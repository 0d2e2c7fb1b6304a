/**
 * The ways audio enters: drop, Open…, paste of paths. Electron submits paths (the core expands folders);
 * the browser build uploads each file. Whatever never becomes a job is listed with its reason.
 */
import { api, ApiError, call } from '../../api/client';
import { uploadFile } from '../../api/http';
import { useJobs } from '../../stores/jobs';
import { useApp } from '../../stores/app';
import type { CollectedFile } from './collect';
import { isAudioName } from './collect';
import type { SubmitResult } from '../../../../shared/domain';

export interface AddDeps {
  upload?: typeof uploadFile;
  /** uploads in flight at once: enough to keep the server busy, few enough not to choke the browser */
  uploadConcurrency?: number;
}

function applySubmit(r: SubmitResult): void {
  const jobs = useJobs.getState();
  jobs.upsertMany(r.jobs);
  jobs.addRejected(r.rejected);
  // a file already analysed opens its existing result at once, as the user expects
  if (r.jobs.length === 1 && r.jobs[0].reusedFrom && r.jobs[0].status === 'completed')
    useApp.getState().openSong(r.jobs[0].id);
}

export async function submitPaths(paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  try {
    applySubmit(await call('jobs.submit', { paths }));
  } catch (e) {
    reportFailure(e, paths.length === 1 ? paths[0] : `${paths.length} paths`);
  }
}

function reportFailure(e: unknown, what: string): void {
  if (e instanceof ApiError)
    useJobs.getState().addRejected([{ path: what, code: e.code, message: e.message }]);
  else useApp.getState().notify('error', `Could not add ${what}.`);
}

/** Files from a drop or the browser file input. */
export async function addFiles(files: CollectedFile[], deps: AddDeps = {}): Promise<void> {
  const a = api();
  if (a.mode === 'electron') {
    const paths: string[] = [];
    for (const f of files) {
      const p = a.getPathForFile(f.file);
      if (p) paths.push(p);
      else
        useJobs
          .getState()
          .addRejected([
            {
              path: f.relPath,
              code: 'E_NOT_FOUND',
              message: 'The file has no path on disk (was it dragged from another app?).',
            },
          ]);
    }
    return submitPaths(paths);
  }
  const upload = deps.upload ?? uploadFile;
  const toSend: CollectedFile[] = [];
  const skipped = [];
  for (const f of files) {
    // inside folders only audio by extension is sent, as the core does for folders; loose files are
    // always sent so the server can judge them by their bytes and say precisely why it refuses one
    if (f.fromFolder && !isAudioName(f.file.name))
      skipped.push({
        path: f.relPath,
        code: 'E_UNSUPPORTED_FORMAT' as const,
        message: 'Skipped (judged by its file extension).',
      });
    else toSend.push(f);
  }
  useJobs.getState().addRejected(skipped);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < toSend.length) {
      const f = toSend[next++];
      const r = await upload(f.file);
      if (r.ok) applySubmit(r.value);
      else
        useJobs.getState().addRejected([{ path: f.relPath, code: r.error.code, message: r.error.message }]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(deps.uploadConcurrency ?? 3, toSend.length) }, worker));
}

/** Open…: the OS dialog in Electron; in the browser the caller clicks a file input instead. */
export async function openDialog(): Promise<void> {
  try {
    const r = await call('dialog.openAudio', {});
    await submitPaths(r.paths);
  } catch (e) {
    reportFailure(e, 'the chosen files');
  }
}

/** Pasted text: one absolute path per line (POSIX or Windows). */
export function pathsFromText(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim().replace(/^["']|["']$/g, ''))
    .filter((l) => l.startsWith('/') || /^[A-Za-z]:[\\/]/.test(l) || l.startsWith('\\\\'));
}
