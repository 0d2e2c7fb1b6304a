import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { SongMapView } from './SongMapView';
import { setApi } from '../../api/client';
import { fakeApi, makeJob, makeSongMap } from '../../test/fakeApi';
import type { Edits } from '../../../../shared/domain';
import type { SongMap } from '../../../../shared/songmap';
import { useJobs } from '../../stores/jobs';
import { lanes } from './draw';

beforeEach(() => {
  useJobs.setState({ byId: {}, queueIds: [], rejected: [], historyVersion: 0, reusedIds: {} });
  // happy-dom has no 2D canvas; the view must still render everything around it
  HTMLCanvasElement.prototype.getContext = (() => null) as unknown as HTMLCanvasElement['getContext'];
});
afterEach(() => {
  cleanup();
  setApi(null);
});

function serve(initial: Edits | null = null, map: SongMap = makeSongMap('song1')) {
  const api = fakeApi();
  const job = makeJob({ id: 'song1', status: 'completed', fileName: 'song.wav', completedAt: 1 });
  let edits: Edits | null = initial;
  api.handle('jobs.get', () => job);
  api.handle('jobs.songMap', () => map);
  api.handle('edits.get', () => edits);
  api.handle('edits.set', (r) => (edits = r.edits));
  api.handle('jobs.retry', () => ({ jobs: [{ ...job, status: 'queued' as const }] }));
  setApi(api);
  return { api, job, edits: () => edits };
}

describe('SongMapView', () => {
  it('shows the summary, the stages, alternatives and the original audio from the range endpoint', async () => {
    serve();
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    expect(screen.getByRole('heading', { name: 'Test Song' })).toBeTruthy();
    expect(screen.getByTestId('fact-bpm').textContent).toBe('120.0');
    expect(screen.getByTestId('fact-key').textContent).toContain('Am');
    expect(screen.getByTestId('audio').getAttribute('src')).toBe('/api/audio/song1/original');
    expect(screen.getByText('low confidence', { exact: false })).toBeTruthy(); // a degraded stage says why
    expect(screen.getByText('60.0 BPM')).toBeTruthy();
  });

  it('names the Camelot key of the main (longest) key, not of the first region, when the song modulates', async () => {
    const { api } = serve();
    const map = makeSongMap('song1');
    map.key = [
      { start: 0, end: 4, tonic: 'Ab', mode: 'major', conf: 0.8, camelot: '4B' },
      { start: 4, end: 16.25, tonic: 'Bb', mode: 'major', conf: 0.8, camelot: '6B' },
    ];
    api.handle('jobs.songMap', () => map);
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    expect(screen.getByTestId('fact-key').textContent).toBe('Bb 6B');
  });

  it('editing the BPM stores it apart, marks it edited, and Revert clears it', async () => {
    const { api, edits } = serve();
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    const input = screen.getByLabelText('BPM') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '124.5' } });
    await act(async () => fireEvent.keyDown(input, { key: 'Enter' }));
    expect(api.callsTo('edits.set').at(-1)).toEqual({ id: 'song1', edits: { bpm: 124.5 } });
    expect(edits()).toEqual({ bpm: 124.5 });
    expect(screen.getByTestId('fact-bpm').textContent).toContain('124.5');
    expect(screen.getByTestId('fact-bpm').textContent).toContain('edited');
    await act(async () =>
      fireEvent.click(screen.getByRole('button', { name: 'Revert BPM to the detected value' })),
    );
    expect(edits()).toBeNull();
    expect(screen.getByTestId('fact-bpm').textContent).toBe('120.0');
  });

  it('accepting an alternative key and moving the downbeat keep earlier edits', async () => {
    const { edits } = serve({ bpm: 100 });
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    await act(async () => fireEvent.click(screen.getAllByRole('button', { name: 'Use' })[1])); // C major (relative)
    await act(async () =>
      fireEvent.click(screen.getByRole('button', { name: 'Move the bar start one beat later' })),
    );
    expect(edits()).toEqual({ bpm: 100, key: { tonic: 'C', mode: 'major' }, downbeatOffset: 1 });
    expect(screen.getByTestId('downbeat-offset').textContent).toBe('1');
  });

  it('a failed song map load says why, with the code', async () => {
    const api = fakeApi();
    api.handle('jobs.get', () => makeJob({ id: 'x' }));
    api.handle('jobs.songMap', () => ({
      ok: false,
      error: { code: 'E_NOT_READY', message: 'still running' },
    }));
    api.handle('edits.get', () => null);
    setApi(api);
    render(<SongMapView id="x" />);
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('E_NOT_READY'));
  });
});

describe('SongMapView audition', () => {
  it('auditions a tempo alternative on the metronome without changing the edits, and stops', async () => {
    const { api } = serve();
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    const btn = screen.getByRole('button', { name: 'Audition 60.0 BPM with the metronome' });
    await act(async () => fireEvent.click(btn));
    expect(screen.getByText(/auditioning 60\.0 BPM/)).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Stop auditioning 60.0 BPM' }).getAttribute('aria-pressed'),
    ).toBe('true');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Stop auditioning 60.0 BPM' })));
    expect(screen.queryByText(/auditioning/)).toBeNull();
    expect(api.callsTo('edits.set')).toHaveLength(0);
  });

  it('plays the cadence of an alternative key (tuned to the song), stops it, and leaves the key alone', async () => {
    const played: number[] = [];
    class FakeAudioContext {
      currentTime = 0;
      destination = {};
      resume = async () => undefined;
      close = async () => undefined;
      createGain() {
        const p = { value: 0, setValueAtTime: () => p, exponentialRampToValueAtTime: () => p };
        return { gain: p, connect: (n: unknown) => n };
      }
      createOscillator() {
        return {
          type: 'sine',
          frequency: {
            set value(v: number) {
              played.push(v);
            },
          },
          connect: (n: unknown) => n,
          start: () => undefined,
          stop: () => undefined,
        };
      }
    }
    vi.stubGlobal('AudioContext', FakeAudioContext);
    try {
      const { api } = serve();
      render(<SongMapView id="song1" />);
      await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
      await act(async () =>
        fireEvent.click(screen.getByRole('button', { name: 'Audition C major: play its cadence' })),
      );
      const stop = screen.getByRole('button', { name: 'Stop the C major cadence' });
      expect(stop.getAttribute('aria-pressed')).toBe('true');
      // 4 chords × 4 voices, the first chord on C (261.63 Hz at A4 = 440)
      expect(played).toHaveLength(16);
      expect(played.some((hz) => Math.abs(hz - 261.63) < 0.01)).toBe(true);
      await act(async () => fireEvent.click(stop));
      expect(screen.getByRole('button', { name: 'Audition C major: play its cadence' })).toBeTruthy();
      expect(api.callsTo('edits.set')).toHaveLength(0);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('song map keyboard', () => {
  it('steps the cursor beat by beat and bar by bar', async () => {
    const { stepOnGrid } = await import('./SongMapView');
    const beats = [0.25, 0.75, 1.25, 1.75];
    expect(stepOnGrid(beats, 0, 1, 2)).toBe(0.25);
    expect(stepOnGrid(beats, 0.25, 1, 2)).toBe(0.75);
    expect(stepOnGrid(beats, 0.25, -1, 2)).toBe(0);
    expect(stepOnGrid(beats, 1.0, -1, 2)).toBe(0.75);
    expect(stepOnGrid(beats, 1.75, 1, 2)).toBe(2);
  });

  it('ArrowRight moves the clock to the next beat, Shift+ArrowRight to the next bar', async () => {
    serve();
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    const audio = screen.getByTestId('audio') as HTMLAudioElement;
    fireEvent.keyDown(window, { key: 'ArrowRight' });
    expect(audio.currentTime).toBeCloseTo(0.25, 3);
    fireEvent.keyDown(window, { key: 'ArrowRight', shiftKey: true });
    expect(audio.currentTime).toBeCloseTo(2.25, 3); // bar 2 of the fixture
  });
});

describe('SongMapView confidences', () => {
  /** the fixture with a given tempo / beat / key confidence */
  const mapWith = (o: { tempo?: number; beats?: number; key?: number; chords?: number[] }): SongMap => {
    const map = makeSongMap('song1');
    if (o.tempo != null) map.tempo!.confidence = o.tempo;
    if (o.beats != null) map.tempo!.beat_confidence = o.beats;
    if (o.key != null) map.key[0].conf = o.key;
    o.chords?.forEach((c, i) => (map.chords[i].conf = c));
    return map;
  };
  const open = async (map: SongMap, edits: Edits | null = null) => {
    serve(edits, map);
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
  };

  it('a confident tempo and key read "likely right" with the percentage and get no flag', async () => {
    await open(mapWith({ tempo: 0.9, key: 0.86 }));
    expect(screen.getByTestId('conf-tempo').textContent!.trim()).toBe('likely right · 90 %');
    expect(screen.getByTestId('conf-key').textContent).toContain('likely right · 86 %');
    expect(screen.queryByText('check this')).toBeNull();
    expect(screen.queryByRole('note', { name: /^Check / })).toBeNull();
    expect(screen.queryByTestId('offer-tempo')).toBeNull();
    expect(screen.queryByTestId('offer-key')).toBeNull();
    // the tooltip says what the number is
    expect(
      screen
        .getByRole('note', {
          name: 'likely right · 90 %: an estimated 90 % chance that the tempo (within 4 %) is right',
        })
        .getAttribute('title'),
    ).toContain('estimated 90 % chance');
  });

  it('a doubtful tempo is flagged "check this" and offers its alternatives to hear and use', async () => {
    await open(mapWith({ tempo: 0.22, key: 0.9 }));
    expect(screen.getByTestId('conf-tempo').textContent).toContain('doubtful · 22 %');
    const flag = screen.getByRole('note', { name: /^Check the tempo: doubtful · 22 %/ });
    expect(flag.textContent).toContain('check this');
    expect(flag.getAttribute('title')).toContain('estimated 22 % chance');
    expect(screen.queryByTestId('flag-key')).toBeNull();
    // the alternative (60 BPM) is offered beside it, and auditioning it is the same audition as the panel's
    const offer = screen.getByTestId('offer-tempo');
    expect(offer.textContent).toContain('60.0 BPM');
    expect(offer.textContent).toContain('doubtful · 30 %');
    await act(async () =>
      fireEvent.click(
        screen.getByRole('button', { name: 'Try 60.0 BPM on the metronome instead of the doubtful tempo' }),
      ),
    );
    expect(screen.getByText(/auditioning 60\.0 BPM/)).toBeTruthy();
    expect(
      screen.getByRole('button', { name: 'Stop auditioning 60.0 BPM' }).getAttribute('aria-pressed'),
    ).toBe('true');
  });

  it('a doubtful key is flagged and offers the key alternatives; Use sets the key', async () => {
    const { edits } = serve(null, mapWith({ tempo: 0.95, key: 0.4 }));
    render(<SongMapView id="song1" />);
    await waitFor(() => expect(screen.getByTestId('songmap')).toBeTruthy());
    expect(screen.getByTestId('flag-key').getAttribute('aria-label')).toBe(
      'Check the key: doubtful · 40 %: an estimated 40 % chance that the key is right',
    );
    expect(screen.queryByTestId('flag-tempo')).toBeNull();
    expect(screen.getByTestId('offer-key').textContent).toContain('C (relative, doubtful · 40 %)');
    await act(async () =>
      fireEvent.click(screen.getByRole('button', { name: 'Use C major instead of the doubtful key' })),
    );
    expect(edits()).toEqual({ key: { tonic: 'C', mode: 'major' } });
    // the user's own key has no detection confidence: the flag and the offer go
    expect(screen.queryByTestId('flag-key')).toBeNull();
    expect(screen.queryByTestId('conf-key')).toBeNull();
  });

  it('beats: a doubtful beat_confidence is flagged; a missing one shows nothing at all', async () => {
    await open(mapWith({ tempo: 0.9, beats: 0.3 }));
    expect(screen.getByTestId('conf-beats').textContent).toContain('beats: doubtful · 30 %');
    expect(screen.getByRole('note', { name: /^Check the beats:/ })).toBeTruthy();
    cleanup();
    await open(mapWith({ tempo: 0.9 })); // an older map: no beat_confidence
    expect(screen.queryByTestId('conf-beats')).toBeNull();
    expect(screen.queryByTestId('flag-beats')).toBeNull();
    expect(screen.getByTestId('songmap').textContent).not.toContain('beats:');
  });

  it("an edited BPM drops the detection's tempo and beat confidences", async () => {
    await open(mapWith({ tempo: 0.2, beats: 0.2 }), { bpm: 100 });
    expect(screen.queryByTestId('conf-tempo')).toBeNull();
    expect(screen.queryByTestId('conf-beats')).toBeNull();
    expect(screen.queryByText('check this')).toBeNull();
  });

  it('the Alternatives panel says its confidences in words', async () => {
    await open(makeSongMap('song1'));
    expect(screen.getByText('doubtful · 30 %')).toBeTruthy(); // 60 BPM
    expect(screen.getByText('doubtful · 40 %')).toBeTruthy(); // C major
  });

  it('a chord under 50 % is marked: the legend counts it, the canvas says so, selecting it shows its words', async () => {
    await open(mapWith({ chords: [0.9, 0.3] })); // Am likely, F doubtful, the rest 0.7
    expect(screen.getByTestId('lane-legend').textContent).toContain('doubtful, under 50 % estimated chance');
    expect(screen.getByTestId('lane-legend').textContent).toContain('(1 chord)');
    const canvas = screen.getByTestId('songmap-canvas');
    expect(canvas.getAttribute('aria-label')).toContain('8 chords (1 doubtful, drawn dashed)');
    // click F in the chords lane (the whole song is in view: 16.25 s over 650 px)
    canvas.getBoundingClientRect = () => ({ left: 0, top: 0, width: 650, height: 260 }) as DOMRect;
    const L = lanes(260);
    const x = ((makeSongMap().chords[1].start + 0.5) / 16.25) * 650;
    fireEvent.mouseMove(canvas, { clientX: x, clientY: (L.chords[0] + L.chords[1]) / 2 });
    expect(canvas.getAttribute('title')).toBe(
      'F — doubtful · 30 %: an estimated 30 % chance that this chord is right',
    );
    fireEvent.click(canvas, { clientX: x, clientY: (L.chords[0] + L.chords[1]) / 2 });
    expect(screen.getByTestId('chord-conf').textContent).toBe('doubtful · 30 %');
  });

  it('beside a doubtful field, offers the two likeliest alternatives, none under 5 %', async () => {
    const { offered } = await import('./SongMapView');
    const alts = [0.02, 0.3, 0.1, 0.45].map((c) => ({ c }));
    expect(offered(alts, (a) => a.c)).toEqual([{ c: 0.45 }, { c: 0.3 }]);
    expect(offered([{ c: 0.01 }], (a) => a.c)).toEqual([]);
  });

  it('no doubtful chord or key: no legend', async () => {
    await open(makeSongMap('song1'));
    expect(screen.queryByTestId('lane-legend')).toBeNull();
    expect(screen.getByTestId('songmap-canvas').getAttribute('aria-label')).not.toContain('doubtful');
  });
});
