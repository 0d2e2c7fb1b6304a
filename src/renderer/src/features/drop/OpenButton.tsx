/** Open… : the OS dialog in Electron, a file input in the browser; Ctrl/Cmd+O does the same. */
import { useCallback, useEffect, useRef } from 'react';
import { api } from '../../api/client';
import { addFiles, openDialog } from './addAudio';

export function OpenButton(): React.JSX.Element {
  const input = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const open = useCallback(() => {
    if (api().mode === 'electron') void openDialog();
    else input.current?.click();
  }, []);

  useEffect(() => {
    const key = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.shiftKey && !e.altKey && e.key.toLowerCase() === 'o') {
        e.preventDefault();
        open();
      }
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [open]);

  return (
    <>
      <button
        type="button"
        className="btn primary"
        onClick={open}
        aria-keyshortcuts="Control+O Meta+O"
        title="Open audio files (Ctrl/Cmd+O)"
      >
        Open…
      </button>
      {api().mode !== 'electron' && (
        <button
          type="button"
          className="btn"
          onClick={() => folder.current?.click()}
          title="Add every audio file in a folder"
        >
          Open folder…
        </button>
      )}
      <input
        ref={folder}
        type="file"
        hidden
        data-testid="folder-input"
        aria-label="Choose a folder of audio files"
        // directory picking is non-standard but supported by every engine Performia runs in
        {...{ webkitdirectory: '', directory: '' }}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          void addFiles(
            files.map((file) => ({ file, relPath: file.webkitRelativePath || file.name, fromFolder: true })),
          );
        }}
      />
      <input
        ref={input}
        type="file"
        multiple
        accept="audio/*,.mp3,.wav,.flac,.ogg,.opus,.m4a,.aac,.aif,.aiff"
        hidden
        data-testid="file-input"
        aria-label="Choose audio files"
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = ''; // choosing the same file again must fire change again
          void addFiles(files.map((file) => ({ file, relPath: file.name, fromFolder: false })));
        }}
      />
    </>
  );
}
