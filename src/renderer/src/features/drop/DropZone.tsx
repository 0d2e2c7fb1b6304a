/**
 * Whole-window drop target with a clear overlay. dragenter/dragleave fire for every child element, so a
 * depth counter decides when the pointer really left the window.
 */
import { useEffect, useRef, useState } from 'react';
import { api } from '../../api/client';
import { collectDropped } from './collect';
import { addFiles, pathsFromText, submitPaths } from './addAudio';

const hasFiles = (e: DragEvent): boolean =>
  !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');

export function DropZone(): React.JSX.Element | null {
  const [over, setOver] = useState(false);
  const depth = useRef(0);

  useEffect(() => {
    const enter = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth.current++;
      setOver(true);
    };
    const overH = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // required, or the browser navigates to the dropped file
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent): void => {
      if (!hasFiles(e)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    };
    const drop = (e: DragEvent): void => {
      if (!e.dataTransfer) return;
      e.preventDefault();
      depth.current = 0;
      setOver(false);
      const dt = e.dataTransfer;
      if (api().mode === 'electron') {
        void addFiles(Array.from(dt.files).map((file) => ({ file, relPath: file.name, fromFolder: false })));
      } else {
        // entries must be read synchronously inside the drop handler; collectDropped does that first
        void collectDropped(dt).then((files) => addFiles(files));
      }
    };
    const paste = (e: ClipboardEvent): void => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      const paths = pathsFromText(e.clipboardData?.getData('text') ?? '');
      if (paths.length) {
        e.preventDefault();
        void submitPaths(paths);
      }
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', overH);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', overH);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, []);

  if (!over) return null;
  return (
    <div className="drop-overlay" role="presentation" data-testid="drop-overlay">
      <div className="drop-overlay-box">
        <div className="drop-overlay-title">Drop audio files or folders</div>
        <div className="drop-overlay-sub">Each file becomes an analysis job</div>
      </div>
    </div>
  );
}
