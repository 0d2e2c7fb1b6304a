/** The export menu: each format's bytes, file name and MIME type, and the browser download. */
import type { EffectiveMap } from '../songmap/effective';
import type { Job } from '../../../../shared/domain';
import { songMapJson } from './json';
import { songMapMidi } from './midi';
import { beatsChordsCsv } from './csv';
import { chordPro } from './chordpro';
import { rekordboxXml } from './rekordbox';

export const FORMATS = ['json', 'midi', 'csv', 'chordpro', 'rekordbox'] as const;
export type ExportFormat = (typeof FORMATS)[number];
export const FORMAT_LABEL: Record<ExportFormat, string> = {
  json: 'Song map JSON',
  midi: 'MIDI (tempo map, sections, chords)',
  csv: 'CSV (beats and chords)',
  chordpro: 'ChordPro chart',
  rekordbox: 'rekordbox XML',
};

export interface ExportFile {
  name: string;
  mime: string;
  data: string | Uint8Array;
}

const baseName = (fileName: string): string =>
  fileName.replace(/\.[^.]+$/, '').replace(/[\\/:*?"<>|]+/g, '_') || 'song';

export function buildExport(
  format: ExportFormat,
  m: EffectiveMap,
  job: Pick<Job, 'fileName' | 'inputPath' | 'sizeBytes' | 'summary'>,
): ExportFile {
  const base = baseName(job.fileName);
  const title = m.source.tags?.title ?? job.summary?.title ?? base;
  const artist = m.source.tags?.artist ?? job.summary?.artist ?? null;
  switch (format) {
    case 'json':
      return { name: `${base}.songmap.json`, mime: 'application/json', data: songMapJson(m) };
    case 'midi':
      return { name: `${base}.mid`, mime: 'audio/midi', data: songMapMidi(m, title) };
    case 'csv':
      return { name: `${base}.beats-chords.csv`, mime: 'text/csv', data: beatsChordsCsv(m) };
    case 'chordpro':
      return { name: `${base}.cho`, mime: 'text/plain', data: chordPro(m, { title, artist }) };
    case 'rekordbox':
      return {
        name: `${base}.rekordbox.xml`,
        mime: 'application/xml',
        data: rekordboxXml(m, { title, artist, path: job.inputPath, sizeBytes: job.sizeBytes }),
      };
  }
}

/** saves through an object URL and a temporary <a download>: works in Electron and the browser alike */
export function download(file: ExportFile): void {
  const blob = new Blob([file.data as BlobPart], { type: file.mime });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = file.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
