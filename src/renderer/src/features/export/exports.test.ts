import { describe, expect, it } from 'vitest';
import { parseMidi } from 'midi-file';
import { effectiveMap } from '../songmap/effective';
import { makeSongMap } from '../../test/fakeApi';
import { PPQ, chordNotes, secondsToTicks, songMapMidi, tempoSegments, vlq } from './midi';
import { beatsChordsCsv, parseCsv, CSV_HEADER } from './csv';
import { chordPro } from './chordpro';
import { rekordboxXml, locationUrl } from './rekordbox';
import { songMapJson } from './json';
import { buildExport } from './exports';
import { SongMapSchema } from '../../../../shared/songmap';

const map = makeSongMap();
const plain = effectiveMap(map, null);

/** seconds of a tick position under a parsed MIDI tempo map (to check the file, not our writer) */
function ticksToSeconds(tempos: { tick: number; us: number }[], tick: number): number {
  let sec = 0;
  for (let i = 0; i < tempos.length; i++) {
    const end = i + 1 < tempos.length ? tempos[i + 1].tick : Infinity;
    if (tick <= tempos[i].tick) break;
    sec += ((Math.min(tick, end) - tempos[i].tick) * tempos[i].us) / 1e6 / PPQ;
  }
  return sec;
}

function readMidi(bytes: Uint8Array) {
  const midi = parseMidi(bytes);
  const abs = midi.tracks.map((t) => {
    let tick = 0;
    return t.map((e) => ({ ...e, tick: (tick += e.deltaTime) }));
  });
  return { midi, abs };
}

describe('MIDI export', () => {
  it('encodes variable-length quantities as the SMF spec examples', () => {
    expect(vlq(0)).toEqual([0x00]);
    expect(vlq(0x40)).toEqual([0x40]);
    expect(vlq(0x7f)).toEqual([0x7f]);
    expect(vlq(0x80)).toEqual([0x81, 0x00]);
    expect(vlq(0x2000)).toEqual([0xc0, 0x00]);
    expect(vlq(0x3fff)).toEqual([0xff, 0x7f]);
    expect(vlq(0x0fffffff)).toEqual([0xff, 0xff, 0xff, 0x7f]);
  });

  it('reads back with midi-file: format 1, tempo, meter, key, section markers and chords at the right seconds', () => {
    const { midi, abs } = readMidi(songMapMidi(plain, 'Test Song'));
    expect(midi.header.format).toBe(1);
    expect(midi.header.numTracks).toBe(2);
    expect(midi.header.ticksPerBeat).toBe(PPQ);
    const conductor = abs[0];
    const tempos = conductor
      .filter((e) => e.type === 'setTempo')
      .map((e) => ({ tick: e.tick, us: (e as { microsecondsPerBeat: number }).microsecondsPerBeat }));
    expect(tempos).toEqual([{ tick: 0, us: 500_000 }]);
    const ts = conductor.find((e) => e.type === 'timeSignature') as
      { numerator: number; denominator: number } | undefined;
    expect(ts).toMatchObject({ numerator: 4, denominator: 4 });
    const ks = conductor.find((e) => e.type === 'keySignature') as { key: number; scale: number } | undefined;
    expect(ks).toMatchObject({ key: 0, scale: 1 }); // A minor: no sharps, minor
    const markers = conductor.filter((e) => e.type === 'marker') as unknown as {
      text: string;
      tick: number;
    }[];
    expect(markers.map((m) => m.text)).toEqual(['verse (A)', 'chorus (B)']);
    markers.forEach((m, i) => expect(ticksToSeconds(tempos, m.tick)).toBeCloseTo(map.sections[i].start, 2));

    const chordTrack = abs[1];
    const labels = chordTrack.filter((e) => e.type === 'text') as unknown as { text: string; tick: number }[];
    expect(labels.map((l) => l.text)).toEqual(map.chords.map((c) => c.label));
    labels.forEach((l, i) => expect(ticksToSeconds(tempos, l.tick)).toBeCloseTo(map.chords[i].start, 2));
    // the first chord's tones sound from its start to its end
    const ons = chordTrack
      .filter((e) => e.type === 'noteOn' && e.tick === labels[0].tick)
      .map((e) => (e as { noteNumber: number }).noteNumber);
    expect(ons).toEqual(chordNotes('Am'));
    expect(chordTrack[chordTrack.length - 1].type).toBe('endOfTrack');
  });

  it('uses the corrected BPM and a tempo curve, converting seconds exactly across tempo changes', () => {
    const edited = effectiveMap(map, { bpm: 90 });
    const { abs } = readMidi(songMapMidi(edited, 't'));
    const tempos = abs[0]
      .filter((e) => e.type === 'setTempo')
      .map((e) => (e as { microsecondsPerBeat: number }).microsecondsPerBeat);
    expect(tempos).toEqual([Math.round(60e6 / 90)]);

    const curved = effectiveMap(
      {
        ...map,
        tempo: {
          ...map.tempo!,
          curve: [
            [0, 120],
            [8, 60],
          ],
        },
      },
      null,
    );
    const segs = tempoSegments(curved);
    expect(segs).toEqual([
      [0, 500_000],
      [8, 1_000_000],
    ]);
    expect(secondsToTicks(segs, 8)).toBe(16 * PPQ);
    expect(secondsToTicks(segs, 10)).toBe(16 * PPQ + 2 * PPQ);
    const { abs: a2 } = readMidi(songMapMidi(curved, 't'));
    const t2 = a2[0]
      .filter((e) => e.type === 'setTempo')
      .map((e) => ({ tick: e.tick, us: (e as { microsecondsPerBeat: number }).microsecondsPerBeat }));
    const chorus = (a2[0].filter((e) => e.type === 'marker') as unknown as { tick: number }[])[1];
    expect(ticksToSeconds(t2, chorus.tick)).toBeCloseTo(8.25, 3);
  });

  it('gives chord tones in rising order and nothing for labels it cannot read', () => {
    expect(chordNotes('C')).toEqual([48, 52, 55]);
    expect(chordNotes('Am7')).toEqual([57, 60, 64, 67]);
    expect(chordNotes('nonsense')).toEqual([]);
  });
});

describe('CSV export', () => {
  it('has one row per beat and per chord that reads back to the same values', () => {
    const rows = parseCsv(beatsChordsCsv(plain));
    expect(rows[0]).toEqual([...CSV_HEADER]);
    const beats = rows.filter((r) => r[0] === 'beat');
    const chords = rows.filter((r) => r[0] === 'chord');
    expect(beats).toHaveLength(map.beats.length);
    expect(chords).toHaveLength(map.chords.length);
    expect(beats.map((r) => Number(r[1]))).toEqual(map.beats);
    // bar and beat-in-bar: the 6th beat is bar 2, beat 2
    expect(beats[5].slice(3, 6)).toEqual(['2', '2', '0']);
    expect(beats[4].slice(3, 6)).toEqual(['2', '1', '1']);
    expect(chords.map((r) => r[6])).toEqual(map.chords.map((c) => c.label));
  });

  it('quotes labels with commas and quotes', () => {
    const odd = effectiveMap(map, { chords: { '0': 'A,"m"' } });
    const rows = parseCsv(beatsChordsCsv(odd));
    expect(rows.find((r) => r[0] === 'chord')![6]).toBe('A,"m"');
  });
});

describe('ChordPro export', () => {
  it('writes directives and one bar per chord inside section environments', () => {
    const text = chordPro(plain, { title: 'Test Song', artist: 'The Testers' });
    const lines = text.split('\n');
    expect(lines).toContain('{title: Test Song}');
    expect(lines).toContain('{artist: The Testers}');
    expect(lines).toContain('{key: Am}');
    expect(lines).toContain('{tempo: 120}');
    expect(lines).toContain('{time: 4/4}');
    const verseStart = lines.indexOf('{start_of_verse: verse (A)}');
    expect(verseStart).toBeGreaterThan(0);
    expect(lines[verseStart + 1]).toBe('| [Am] | [F] | [C] | [G] |');
    expect(lines).toContain('{end_of_verse}');
    const chorusStart = lines.indexOf('{start_of_chorus: chorus (B)}');
    expect(lines[chorusStart + 1]).toBe('| [Am] | [F] | [C] | [E7] |');
    // every chord label of the map appears in brackets, and directives are balanced
    const opened = lines.filter((l) => l.startsWith('{start_of_')).length;
    expect(lines.filter((l) => l.startsWith('{end_of_')).length).toBe(opened);
  });
});

describe('rekordbox XML export', () => {
  it('parses as XML with a TRACK carrying TEMPO and POSITION_MARK entries', () => {
    const xml = rekordboxXml(plain, {
      title: 'Tést & "Song"',
      artist: 'A <B>',
      path: '/music/My Song #1.wav',
      sizeBytes: 1234,
    });
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    const track = doc.getElementsByTagName('TRACK')[0];
    expect(track.getAttribute('Name')).toBe('Tést & "Song"');
    expect(track.getAttribute('Artist')).toBe('A <B>');
    expect(track.getAttribute('AverageBpm')).toBe('120.00');
    expect(track.getAttribute('Tonality')).toBe('Am');
    expect(track.getAttribute('Location')).toBe('file://localhost/music/My%20Song%20%231.wav');
    const tempo = Array.from(doc.getElementsByTagName('TEMPO'));
    expect(tempo).toHaveLength(1);
    expect(Number(tempo[0].getAttribute('Inizio'))).toBeCloseTo(map.downbeats[0], 3);
    expect(tempo[0].getAttribute('Metro')).toBe('4/4');
    expect(tempo[0].getAttribute('Battito')).toBe('1');
    const marks = Array.from(doc.getElementsByTagName('POSITION_MARK'));
    expect(
      marks.map((m) => [m.getAttribute('Name'), Number(m.getAttribute('Start')), m.getAttribute('Type')]),
    ).toEqual([
      ['verse (A)', 0.25, '0'],
      ['chorus (B)', 8.25, '0'],
    ]);
  });

  it('writes Windows paths with a leading slash', () => {
    expect(locationUrl('C:\\Music\\a b.mp3')).toBe('file://localhost/C:/Music/a%20b.mp3');
  });
});

describe('JSON export', () => {
  it('is the detection unchanged when nothing was edited, and still a valid song map', () => {
    const back = JSON.parse(songMapJson(plain));
    expect(back).toEqual(JSON.parse(JSON.stringify(map)));
    expect(SongMapSchema.safeParse(back).success).toBe(true);
  });

  it('carries the corrections and keeps the detection under `detected`', () => {
    const back = JSON.parse(songMapJson(effectiveMap(map, { bpm: 60, key: { tonic: 'C', mode: 'major' } })));
    expect(back.tempo.bpm_global).toBe(60);
    expect(back.edits).toEqual({ bpm: 60, key: { tonic: 'C', mode: 'major' } });
    expect(back.detected.tempo.bpm_global).toBe(120);
    expect(back.key[0]).toMatchObject({ tonic: 'C', mode: 'major', camelot: '8B' });
    expect(SongMapSchema.safeParse(back).success).toBe(true);
  });
});

describe('buildExport', () => {
  it('names files after the input and picks the right MIME type', () => {
    const job = { fileName: 'My Song.mp3', inputPath: '/m/My Song.mp3', sizeBytes: 1, summary: null };
    expect(buildExport('midi', plain, job)).toMatchObject({ name: 'My Song.mid', mime: 'audio/midi' });
    expect(buildExport('chordpro', plain, job).name).toBe('My Song.cho');
    expect(buildExport('rekordbox', plain, job).name).toBe('My Song.rekordbox.xml');
  });
});
