/** One song: summary, the canvas with playback, corrections, alternatives, stage report and export. */
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSong } from './songStore';
import { effectiveMap, keyName, barAt, type EffectiveMap } from './effective';
import { toCamelot } from '../history/keys';
import { SongCanvas, clampView } from './SongCanvas';
import { doubtfulCounts } from './draw';
import { EditsPanel } from './EditsPanel';
import { Metronome } from './metronome';
import { KeyAudition } from './keyAudition';
import { CheckFlag, ConfidenceTag } from './Confidence';
import { isDoubtful } from '../../ui/confidence';
import { audioUrl } from '../../api/client';
import { formatDuration, plainError } from '../../ui/format';
import { retryJobs } from '../queue/actions';
import { useJobs } from '../../stores/jobs';
import { FORMATS, FORMAT_LABEL, buildExport, download } from '../export/exports';
import { STAGE_NAMES } from '../../../../shared/names';
import type { Job } from '../../../../shared/domain';

type TempoAlternative = NonNullable<EffectiveMap['source']['tempo']>['alternatives'][number];
type KeyAlternative = EffectiveMap['source']['key_alternatives'][number];

/** the key whose cadence is playing (one player for the view), shared by every place offering key alternatives */
function useKeyHearing(): {
  hearing: string | null;
  hear: (name: string, tonic: string, mode: 'major' | 'minor', a4: number) => void;
} {
  const player = useRef<KeyAudition | null>(null);
  const [hearing, setHearing] = useState<string | null>(null);
  useEffect(() => () => player.current?.dispose(), []);
  const hear = (name: string, tonic: string, mode: 'major' | 'minor', a4: number): void => {
    if (hearing === name) {
      player.current?.stop();
      return;
    }
    player.current ??= new KeyAudition();
    const ok = player.current.play(tonic, mode, a4, () => setHearing((h) => (h === name ? null : h)));
    setHearing(ok ? name : null);
  };
  return { hearing, hear };
}
type KeyHearing = ReturnType<typeof useKeyHearing>;

/**
 * One tempo alternative with Audition and Use. `offer`: the short form beside a doubtful tempo in the
 * header, with its own accessible names (the Alternatives panel keeps the full ones).
 */
function TempoAlt({
  a,
  audition,
  onAudition,
  offer = false,
}: {
  a: TempoAlternative;
  audition: number | null;
  onAudition: (bpm: number | null) => void;
  offer?: boolean;
}): React.JSX.Element {
  const edit = useSong((s) => s.edit);
  const on = audition === a.bpm;
  const bpm = a.bpm.toFixed(1);
  return (
    <>
      {bpm} BPM{' '}
      <span className="muted">
        ({a.factor}×, <ConfidenceTag c={a.confidence} what={`${bpm} BPM (within 4 %)`} plain />)
      </span>{' '}
      <button
        type="button"
        className="btn subtle"
        aria-pressed={on}
        aria-label={
          offer
            ? on
              ? `Stop trying ${bpm} BPM`
              : `Try ${bpm} BPM on the metronome instead of the doubtful tempo`
            : on
              ? `Stop auditioning ${bpm} BPM`
              : `Audition ${bpm} BPM with the metronome`
        }
        onClick={() => onAudition(on ? null : a.bpm)}
      >
        {on ? 'Stop' : offer ? 'Hear' : 'Audition'}
      </button>{' '}
      <button
        type="button"
        className="btn subtle"
        aria-label={offer ? `Use ${bpm} BPM instead of the doubtful tempo` : undefined}
        onClick={() => void edit({ bpm: a.bpm })}
      >
        Use
      </button>
    </>
  );
}

/** One key alternative with its cadence and Use; `offer` as for TempoAlt. */
function KeyAlt({
  k,
  m,
  keys,
  offer = false,
}: {
  k: KeyAlternative;
  m: EffectiveMap;
  keys: KeyHearing;
  offer?: boolean;
}): React.JSX.Element {
  const edit = useSong((s) => s.edit);
  const name = keyName(k);
  const on = keys.hearing === name;
  const full = `${k.tonic} ${k.mode}`;
  return (
    <>
      {name}{' '}
      <span className="muted">
        ({k.relation}, <ConfidenceTag c={k.conf} what={full} plain />)
      </span>{' '}
      {KeyAudition.available() && (
        <button
          type="button"
          className="btn subtle"
          aria-pressed={on}
          aria-label={
            offer
              ? on
                ? `Stop hearing ${full}`
                : `Hear ${full}'s cadence, instead of the doubtful key`
              : on
                ? `Stop the ${full} cadence`
                : `Audition ${full}: play its cadence`
          }
          onClick={() => keys.hear(name, k.tonic, k.mode, m.source.tuning?.a4_hz ?? 440)}
        >
          {on ? 'Stop' : offer ? 'Hear' : 'Audition'}
        </button>
      )}{' '}
      <button
        type="button"
        className="btn subtle"
        aria-label={offer ? `Use ${full} instead of the doubtful key` : undefined}
        onClick={() => void edit({ key: { tonic: k.tonic, mode: k.mode } })}
      >
        Use
      </button>
    </>
  );
}

function Alternatives({
  m,
  audition,
  onAudition,
  keys,
}: {
  m: EffectiveMap;
  audition: number | null;
  onAudition: (bpm: number | null) => void;
  keys: KeyHearing;
}): React.JSX.Element | null {
  const tempos = m.source.tempo?.alternatives ?? [];
  const keyAlts = m.source.key_alternatives ?? [];
  if (!tempos.length && !keyAlts.length) return null;
  return (
    <section className="panel" aria-labelledby="alt-title">
      <h2 id="alt-title">Alternatives</h2>
      <ul className="alt-list">
        {tempos.map((a) => (
          <li key={`t${a.factor}`}>
            <TempoAlt a={a} audition={audition} onAudition={onAudition} />
          </li>
        ))}
        {keyAlts.map((k) => (
          <li key={`k${k.tonic}${k.mode}`}>
            <KeyAlt k={k} m={m} keys={keys} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** the alternatives worth offering beside a doubtful field: the two likeliest, none with under 5 % */
export function offered<T>(alts: readonly T[], conf: (a: T) => number): T[] {
  return alts
    .filter((a) => conf(a) >= 0.05)
    .sort((a, b) => conf(b) - conf(a))
    .slice(0, 2);
}

/** the confidence line under a header fact, flagged "check this" when doubtful; nothing when unknown */
function FactConfidence({
  c,
  id,
  field,
  what,
  prefix,
}: {
  c: number | null;
  id: string;
  field: string;
  what: string;
  prefix?: string;
}): React.JSX.Element | null {
  if (c == null) return null;
  return (
    <dd className="fact-conf" data-testid={`conf-${id}`}>
      {prefix && <span className="muted">{prefix} </span>}
      <ConfidenceTag c={c} what={what} /> <CheckFlag c={c} field={field} what={what} testId={`flag-${id}`} />
    </dd>
  );
}

/** the lanes' legend, when they mark something doubtful */
function LaneLegend({ m }: { m: EffectiveMap }): React.JSX.Element | null {
  const { chords, keys } = doubtfulCounts(m);
  if (!chords && !keys) return null;
  const what = [
    chords ? `${chords} chord${chords === 1 ? '' : 's'}` : null,
    keys ? `${keys} key region${keys === 1 ? '' : 's'}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return (
    <p className="lane-legend" data-testid="lane-legend">
      <span className="legend-swatch" aria-hidden="true" />
      Dashed and faded, with “?”: doubtful, under 50 % estimated chance of being right ({what}). Check by ear;
      click a chord to relabel it.
    </p>
  );
}

function Stages({ m }: { m: EffectiveMap }): React.JSX.Element {
  const st = m.source.stages;
  return (
    <section className="panel" aria-labelledby="stages-title">
      <h2 id="stages-title">Analysis stages</h2>
      <ul className="stages">
        {STAGE_NAMES.map((name) => {
          const s = st[name];
          return (
            <li key={name} className={`stage ${s?.status ?? 'missing'}`} title={s?.reason}>
              <span>{name}</span> <span className="muted">{s ? s.status : 'not run'}</span>
              {s?.reason && <span className="muted"> — {s.reason}</span>}
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function ExportPanel({ m, job }: { m: EffectiveMap; job: Job }): React.JSX.Element {
  return (
    <section className="panel" aria-labelledby="export-title" data-testid="export">
      <h2 id="export-title">Export</h2>
      <div className="row wrap">
        {FORMATS.map((f) => (
          <button
            key={f}
            type="button"
            className="btn"
            data-format={f}
            onClick={() => download(buildExport(f, m, job))}
          >
            {FORMAT_LABEL[f]}
          </button>
        ))}
      </div>
    </section>
  );
}

/** the next (dir 1) or previous (dir −1) grid time strictly past `t`; the song's ends when there is none */
export function stepOnGrid(grid: number[], t: number, dir: 1 | -1, duration: number): number {
  const eps = 0.02; // a cursor sitting on a beat moves to the next one, not to itself
  if (dir > 0) return grid.find((g) => g > t + eps) ?? duration;
  for (let i = grid.length - 1; i >= 0; i--) if (grid[i] < t - eps) return grid[i];
  return 0;
}

export function SongMapView({ id }: { id: string }): React.JSX.Element {
  const { job, map, edits, loading, error } = useSong();
  const liveJob = useJobs((s) => s.byId[id]);
  const [audio, setAudio] = useState<HTMLAudioElement | null>(null);
  const [playing, setPlaying] = useState(false);
  const [clock, setClock] = useState(0);
  const [view, setView] = useState({ start: 0, span: 30 });
  const [selectedChord, setSelectedChord] = useState<number | null>(null);
  const [metronomeOn, setMetronomeOn] = useState(false);
  /** a tempo alternative being auditioned: the metronome clicks its grid instead of the current one */
  const [audition, setAudition] = useState<number | null>(null);
  const metro = useRef<Metronome | null>(null);
  const keys = useKeyHearing();

  useEffect(() => {
    void useSong.getState().load(id);
  }, [id]);
  // a re-analysis finishing (job.updated → completed) reloads the map; the edits come back with it
  const liveStatus = liveJob?.status;
  const liveDone = liveJob?.completedAt;
  useEffect(() => {
    if (liveStatus === 'completed' && job && liveDone && liveDone !== job.completedAt)
      void useSong.getState().load(id);
  }, [liveStatus, liveDone, id, job]);

  const m = useMemo(() => (map ? effectiveMap(map, edits) : null), [map, edits]);
  useEffect(() => {
    if (m) setView((v) => clampView(0, Math.min(v.span, m.duration || 30), m.duration));
  }, [m?.duration]); // eslint-disable-line react-hooks/exhaustive-deps

  const clickGrid = useMemo(
    () => (map && audition != null ? effectiveMap(map, { ...(edits ?? {}), bpm: audition }) : m),
    [map, edits, audition, m],
  );
  useEffect(() => {
    if (!audio || !clickGrid) return;
    metro.current ??= new Metronome(audio, clickGrid.beats, new Set(clickGrid.downbeats));
    metro.current.setGrid(clickGrid.beats, clickGrid.downbeats);
  }, [audio, clickGrid]);
  const onAudition = (bpm: number | null): void => {
    setAudition(bpm);
    if (bpm != null) {
      setMetronomeOn(true);
      if (audio?.paused) void audio.play().catch(() => setPlaying(false));
    }
  };
  useEffect(() => {
    if (!metro.current) return;
    if (metronomeOn && playing) metro.current.start();
    else metro.current.stop();
  }, [metronomeOn, playing]);
  useEffect(() => () => metro.current?.dispose(), []);

  const toggle = (): void => {
    if (!audio) return;
    if (audio.paused) void audio.play().catch(() => setPlaying(false));
    else audio.pause();
  };
  const zoom = (factor: number): void => {
    if (!m) return;
    const center = audio && !audio.paused ? audio.currentTime : view.start + view.span / 2;
    setView(clampView(center - (view.span * factor) / 2, view.span * factor, m.duration));
  };
  const seek = (t: number): void => {
    if (!audio) return;
    audio.currentTime = t;
    setClock(t);
  };

  // keys anywhere in the view except while typing: Space play/pause, ←/→ previous/next beat (Shift: bar), +/− zoom
  useEffect(() => {
    const key = (e: KeyboardEvent): void => {
      const tag = (e.target as HTMLElement | null)?.tagName;
      if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || e.ctrlKey || e.metaKey || e.altKey)
        return;
      if (e.key === ' ' && tag !== 'BUTTON') {
        e.preventDefault();
        toggle();
      } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && m && audio) {
        e.preventDefault();
        const grid = e.shiftKey && m.downbeats.length ? m.downbeats : m.beats;
        seek(stepOnGrid(grid, audio.currentTime, e.key === 'ArrowRight' ? 1 : -1, m.duration));
      } else if ((e.key === '+' || e.key === '=') && m) zoom(0.5);
      else if ((e.key === '-' || e.key === '_') && m) zoom(2);
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  });

  if (loading) return <p className="muted">Loading the song map…</p>;
  if (error || !job || !map || !m)
    return (
      <p className="error-text" role="alert">
        {error ?? 'This song map is not available.'}
      </p>
    );

  const s = job.summary;
  const bar = barAt(m.downbeats, clock);
  // beside a doubtful tempo or key: the detection's own alternatives, to hear and use in place
  const tempoOffer = isDoubtful(m.confidence.tempo)
    ? offered(map.tempo?.alternatives ?? [], (a) => a.confidence)
    : [];
  const keyOffer = isDoubtful(m.confidence.key) ? offered(map.key_alternatives ?? [], (k) => k.conf) : [];

  return (
    <div className="song" data-testid="songmap">
      <header className="song-head">
        <div>
          <h2 className="song-title">{map.tags?.title ?? s?.title ?? job.fileName}</h2>
          <div className="muted">
            {[map.tags?.artist ?? s?.artist, (map.tags?.title ?? s?.title) ? job.fileName : null]
              .filter(Boolean)
              .join(' · ')}
            {job.reusedFrom && <span className="badge reused">reused result</span>}
          </div>
        </div>
        <dl className="facts">
          <div>
            <dt>BPM</dt>
            <dd data-testid="fact-bpm">
              {m.bpm != null ? m.bpm.toFixed(1) : '—'}
              {m.edited.bpm && <span className="badge edited">edited</span>}
            </dd>
            <FactConfidence
              c={m.confidence.tempo}
              id="tempo"
              field="the tempo"
              what="the tempo (within 4 %)"
            />
            <FactConfidence
              c={m.confidence.beats}
              id="beats"
              prefix="beats:"
              field="the beats"
              what="the beats"
            />
            {tempoOffer.length > 0 && (
              <dd className="alt-offer" data-testid="offer-tempo">
                <span className="muted">maybe:</span>
                {tempoOffer.map((a) => (
                  <span key={a.factor} className="offer">
                    <TempoAlt a={a} audition={audition} onAudition={onAudition} offer />
                  </span>
                ))}
              </dd>
            )}
          </div>
          <div>
            <dt>Key</dt>
            <dd data-testid="fact-key">
              {m.key ? keyName(m.key) : '—'}{' '}
              {m.key && toCamelot(keyName(m.key)) ? (
                <span className="camelot">{toCamelot(keyName(m.key))}</span>
              ) : null}
              {m.edited.key && <span className="badge edited">edited</span>}
            </dd>
            <FactConfidence c={m.confidence.key} id="key" field="the key" what="the key" />
            {keyOffer.length > 0 && (
              <dd className="alt-offer" data-testid="offer-key">
                <span className="muted">maybe:</span>
                {keyOffer.map((k) => (
                  <span key={`${k.tonic}${k.mode}`} className="offer">
                    <KeyAlt k={k} m={m} keys={keys} offer />
                  </span>
                ))}
              </dd>
            )}
          </div>
          <div>
            <dt>Meter</dt>
            <dd>{m.meter ? `${m.meter.numerator}/${m.meter.denominator}` : '—'}</dd>
          </div>
          <div>
            <dt>Length</dt>
            <dd>{formatDuration(m.duration)}</dd>
          </div>
          <div>
            <dt>Loudness</dt>
            <dd>{map.loudness ? `${map.loudness.integrated_lufs.toFixed(1)} LUFS` : '—'}</dd>
          </div>
        </dl>
        <button
          type="button"
          className="btn"
          onClick={() => void retryJobs([job.id])}
          disabled={liveJob?.status === 'queued' || liveJob?.status === 'processing'}
        >
          {liveJob?.status === 'queued' || liveJob?.status === 'processing' ? 'Re-analysing…' : 'Re-analyse'}
        </button>
      </header>

      {job.status === 'failed' && (
        <p className="error-text" role="alert">
          {plainError(job.errorCode, job.errorMessage)} <code>{job.errorCode}</code>
        </p>
      )}

      <div className="transport" role="toolbar" aria-label="Playback">
        <button
          type="button"
          className="btn primary"
          onClick={toggle}
          aria-label={playing ? 'Pause' : 'Play'}
          aria-keyshortcuts="Space"
          data-testid="play"
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <span className="mono" data-testid="clock">
          {formatDuration(clock)} / {formatDuration(m.duration)}
        </span>
        <span className="muted">{bar != null ? `bar ${bar}` : ''}</span>
        <label
          className="chip"
          title={
            Metronome.available()
              ? 'Click on every detected beat, accented downbeats'
              : 'Web Audio is not available here'
          }
        >
          <input
            type="checkbox"
            checked={metronomeOn}
            disabled={!Metronome.available()}
            onChange={(e) => {
              setMetronomeOn(e.currentTarget.checked);
              if (!e.currentTarget.checked) setAudition(null);
            }}
          />
          metronome{audition != null ? ` (auditioning ${audition.toFixed(1)} BPM)` : ''}
        </label>
        <span className="spacer" />
        <span className="muted keys-hint">
          Space play · ←/→ beat · Shift bar · +/− zoom · Ctrl+wheel zoom
        </span>
        <button
          type="button"
          className="btn"
          onClick={() => zoom(0.5)}
          aria-label="Zoom in"
          aria-keyshortcuts="+"
        >
          +
        </button>
        <button
          type="button"
          className="btn"
          onClick={() => zoom(2)}
          aria-label="Zoom out"
          aria-keyshortcuts="-"
        >
          −
        </button>
        <button
          type="button"
          className="btn subtle"
          onClick={() => setView(clampView(0, m.duration, m.duration))}
        >
          Whole song
        </button>
      </div>
      <SongCanvas
        map={m}
        audio={audio}
        start={view.start}
        span={view.span}
        onViewChange={(start, span) => setView({ start, span })}
        onSeek={seek}
        selectedChord={selectedChord}
        onSelectChord={setSelectedChord}
      />
      <input
        type="range"
        className="scroller"
        aria-label="Scroll through the song"
        min={0}
        max={Math.max(0, m.duration - view.span)}
        step={0.01}
        value={view.start}
        onChange={(e) => setView(clampView(Number(e.currentTarget.value), view.span, m.duration))}
      />
      <LaneLegend m={m} />
      <audio
        ref={setAudio}
        src={audioUrl(id)}
        preload="metadata"
        data-testid="audio"
        onPlay={() => setPlaying(true)}
        onPause={() => setPlaying(false)}
        onEnded={() => setPlaying(false)}
        onTimeUpdate={(e) => setClock(e.currentTarget.currentTime)}
      />
      <div className="song-panels">
        <EditsPanel m={m} selectedChord={selectedChord} />
        <Alternatives m={m} audition={audition} onAudition={onAudition} keys={keys} />
        <ExportPanel m={m} job={job} />
        <Stages m={m} />
      </div>
    </div>
  );
}
