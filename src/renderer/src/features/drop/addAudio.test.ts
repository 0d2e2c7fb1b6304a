import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addFiles, pathsFromText, submitPaths } from './addAudio';
import { collectDropped, isAudioName } from './collect';
import { setApi } from '../../api/client';
import { fakeApi, makeJob } from '../../test/fakeApi';
import { useJobs } from '../../stores/jobs';
import { useApp } from '../../stores/app';
import type { Result } from '../../../../shared/result';
import type { SubmitResult } from '../../../../shared/domain';

beforeEach(() => {
  useJobs.setState({ byId: {}, queueIds: [], rejected: [], historyVersion: 0, reusedIds: {} });
  useApp.setState({ view: 'library', songId: null, notices: [] });
});
afterEach(() => setApi(null));

const file = (name: string) => new File([new Uint8Array(8)], name);

describe('adding audio', () => {
  it('in Electron submits the dropped files’ paths in one call', async () => {
    const a = file('a.wav');
    const b = file('b.mp3');
    const api = fakeApi(
      'electron',
      new Map([
        [a, '/m/a.wav'],
        [b, '/m/b.mp3'],
      ]),
    );
    api.handle('jobs.submit', ({ paths }) => ({
      jobs: paths.map((p) => makeJob({ inputPath: p })),
      rejected: [{ path: '/m/x.txt', code: 'E_UNSUPPORTED_FORMAT', message: 'not audio' }],
    }));
    setApi(api);
    await addFiles([a, b].map((f) => ({ file: f, relPath: f.name, fromFolder: false })));
    expect(api.callsTo('jobs.submit')).toEqual([{ paths: ['/m/a.wav', '/m/b.mp3'] }]);
    expect(useJobs.getState().queueIds).toHaveLength(2);
    expect(useJobs.getState().rejected).toEqual([
      { path: '/m/x.txt', code: 'E_UNSUPPORTED_FORMAT', message: 'not audio' },
    ]);
  });

  it('in the browser uploads each file, skips non-audio inside folders and lists upload refusals', async () => {
    setApi(fakeApi('headless'));
    const sent: string[] = [];
    const upload = async (f: File): Promise<Result<SubmitResult>> => {
      sent.push(f.name);
      if (f.name === 'fake.mp3')
        return {
          ok: false,
          error: { code: 'E_UNSUPPORTED_FORMAT', message: 'not an audio file (magic bytes)' },
        };
      return { ok: true, value: { jobs: [makeJob({ fileName: f.name })], rejected: [] } };
    };
    await addFiles(
      [
        { file: file('one.wav'), relPath: 'one.wav', fromFolder: false },
        { file: file('cover.jpg'), relPath: 'Album/cover.jpg', fromFolder: true },
        { file: file('two.flac'), relPath: 'Album/two.flac', fromFolder: true },
        { file: file('fake.mp3'), relPath: 'fake.mp3', fromFolder: false },
      ],
      { upload, uploadConcurrency: 2 },
    );
    expect(sent.sort()).toEqual(['fake.mp3', 'one.wav', 'two.flac']);
    expect(useJobs.getState().queueIds).toHaveLength(2);
    const rej = useJobs.getState().rejected;
    expect(rej.map((r) => [r.path, r.code])).toEqual(
      expect.arrayContaining([
        ['Album/cover.jpg', 'E_UNSUPPORTED_FORMAT'],
        ['fake.mp3', 'E_UNSUPPORTED_FORMAT'],
      ]),
    );
  });

  it('a file already analysed opens its existing result at once', async () => {
    const api = fakeApi('headless');
    const reused = makeJob({ status: 'completed', reusedFrom: 'older' });
    api.handle('jobs.submit', () => ({ jobs: [reused], rejected: [] }));
    setApi(api);
    await submitPaths(['/m/same.wav']);
    expect(useApp.getState()).toMatchObject({ view: 'song', songId: reused.id });
    expect(useJobs.getState().reusedIds[reused.id]).toBe(true);
  });

  it('a refused submit is listed with the core’s code', async () => {
    const api = fakeApi('electron');
    api.handle('jobs.submit', () => ({
      ok: false,
      error: { code: 'E_INVALID_REQUEST', message: 'bad paths' },
    }));
    setApi(api);
    await submitPaths(['/x']);
    expect(useJobs.getState().rejected).toEqual([
      { path: '/x', code: 'E_INVALID_REQUEST', message: 'bad paths' },
    ]);
  });

  it('reads pasted absolute paths, one a line', () => {
    expect(pathsFromText('/a/b.mp3\n  "C:\\Music\\x.wav"\nhello\n\\\\nas\\share\\y.flac\n')).toEqual([
      '/a/b.mp3',
      'C:\\Music\\x.wav',
      '\\\\nas\\share\\y.flac',
    ]);
  });

  it('walks dropped folders recursively, reading entries until the reader is empty', async () => {
    const fileEntry = (name: string) => ({
      isFile: true,
      isDirectory: false,
      name,
      file: (ok: (f: File) => void) => ok(file(name)),
    });
    const dirEntry = (name: string, children: unknown[][]) => ({
      isFile: false,
      isDirectory: true,
      name,
      createReader: () => {
        let i = 0;
        return { readEntries: (ok: (e: unknown[]) => void) => ok(children[i++] ?? []) };
      },
    });
    const album = dirEntry('Album', [
      [fileEntry('01.mp3'), fileEntry('notes.txt')],
      [dirEntry('CD2', [[fileEntry('02.flac')]])],
    ]);
    const items = [
      { kind: 'file', webkitGetAsEntry: () => album },
      { kind: 'file', webkitGetAsEntry: () => fileEntry('loose.wav') },
    ];
    const got = await collectDropped({
      items: items as unknown as DataTransferItemList,
      files: [] as unknown as FileList,
    });
    expect(got.map((g) => [g.relPath, g.fromFolder])).toEqual([
      ['Album/01.mp3', true],
      ['Album/notes.txt', true],
      ['Album/CD2/02.flac', true],
      ['loose.wav', false],
    ]);
    expect(isAudioName('x.MP3')).toBe(true);
    expect(isAudioName('x.txt')).toBe(false);
  });
});
