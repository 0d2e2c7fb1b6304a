/** Corrections: BPM, downbeat offset, meter, key, chord labels; each edited field is marked and revertible. */
import { useEffect, useState } from 'react';
import type { EffectiveMap } from './effective';
import { keyName } from './effective';
import { useSong } from './songStore';
import { ALL_KEYS } from '../history/keys';
import { ConfidenceTag } from './Confidence';

function Edited({
  on,
  onRevert,
  what,
}: {
  on: boolean;
  onRevert: () => void;
  what: string;
}): React.JSX.Element | null {
  if (!on) return null;
  return (
    <>
      <span className="badge edited">edited</span>
      <button
        type="button"
        className="btn subtle"
        onClick={onRevert}
        aria-label={`Revert ${what} to the detected value`}
      >
        Revert
      </button>
    </>
  );
}

const parseKey = (k: string): { tonic: string; mode: 'major' | 'minor' } =>
  k.endsWith('m') ? { tonic: k.slice(0, -1), mode: 'minor' } : { tonic: k, mode: 'major' };

export function EditsPanel({
  m,
  selectedChord,
}: {
  m: EffectiveMap;
  selectedChord: number | null;
}): React.JSX.Element {
  const edit = useSong((s) => s.edit);
  const revertAll = useSong((s) => s.revertAll);
  const detectedBpm = m.source.tempo?.bpm_global ?? null;
  const [bpm, setBpm] = useState(m.bpm != null ? m.bpm.toFixed(2) : '');
  useEffect(() => setBpm(m.bpm != null ? String(Math.round(m.bpm * 100) / 100) : ''), [m.bpm]);
  const chord = selectedChord != null ? m.chords[selectedChord] : null;
  const [label, setLabel] = useState(chord?.label ?? '');
  useEffect(() => setLabel(chord?.label ?? ''), [chord?.label, selectedChord]);
  const anyEdit = Object.keys(m.edits).length > 0;

  const saveBpm = (): void => {
    const v = Number(bpm);
    if (Number.isFinite(v) && v > 0 && v <= 1000 && Math.abs(v - (m.bpm ?? 0)) > 1e-6) void edit({ bpm: v });
  };

  return (
    <section className="panel" aria-labelledby="edits-title" data-testid="edits">
      <header className="panel-head">
        <h2 id="edits-title">Corrections</h2>
        {anyEdit && (
          <button type="button" className="btn subtle" onClick={() => void revertAll()}>
            Revert all
          </button>
        )}
      </header>
      <div className="form-grid">
        <label htmlFor="edit-bpm">BPM</label>
        <span className="row">
          <input
            id="edit-bpm"
            className="input num"
            type="number"
            step="0.01"
            min={1}
            max={1000}
            value={bpm}
            onChange={(e) => setBpm(e.currentTarget.value)}
            onKeyDown={(e) => e.key === 'Enter' && saveBpm()}
            onBlur={saveBpm}
          />
          <button
            type="button"
            className="btn"
            onClick={() => void edit({ bpm: (m.bpm ?? 0) / 2 })}
            disabled={m.bpm == null}
            aria-label="Halve the tempo"
          >
            ½×
          </button>
          <button
            type="button"
            className="btn"
            onClick={() => void edit({ bpm: Math.min(1000, (m.bpm ?? 0) * 2) })}
            disabled={m.bpm == null}
            aria-label="Double the tempo"
          >
            2×
          </button>
          <Edited on={m.edited.bpm} what="BPM" onRevert={() => void edit({ bpm: undefined })} />
          {m.edited.bpm && detectedBpm != null && (
            <span className="muted">detected {detectedBpm.toFixed(2)}</span>
          )}
        </span>

        <span>Downbeat</span>
        <span className="row">
          <button
            type="button"
            className="btn"
            aria-label="Move the bar start one beat earlier"
            onClick={() => void edit({ downbeatOffset: (m.edits.downbeatOffset ?? 0) - 1 })}
          >
            ◀ beat
          </button>
          <span data-testid="downbeat-offset">{m.edits.downbeatOffset ?? 0}</span>
          <button
            type="button"
            className="btn"
            aria-label="Move the bar start one beat later"
            onClick={() => void edit({ downbeatOffset: (m.edits.downbeatOffset ?? 0) + 1 })}
          >
            beat ▶
          </button>
          <Edited
            on={m.edited.downbeatOffset}
            what="downbeat"
            onRevert={() => void edit({ downbeatOffset: undefined })}
          />
        </span>

        <label htmlFor="edit-meter">Meter</label>
        <span className="row">
          <select
            id="edit-meter"
            className="input"
            value={m.meter ? `${m.meter.numerator}/${m.meter.denominator}` : ''}
            onChange={(e) => {
              const [n, d] = e.currentTarget.value.split('/').map(Number);
              if (n && d) void edit({ meter: { numerator: n, denominator: d } });
            }}
          >
            {!m.meter && <option value="">unknown</option>}
            {['2/4', '3/4', '4/4', '5/4', '6/8', '7/8', '12/8'].map((x) => (
              <option key={x} value={x}>
                {x}
              </option>
            ))}
            {m.meter &&
              !['2/4', '3/4', '4/4', '5/4', '6/8', '7/8', '12/8'].includes(
                `${m.meter.numerator}/${m.meter.denominator}`,
              ) && (
                <option
                  value={`${m.meter.numerator}/${m.meter.denominator}`}
                >{`${m.meter.numerator}/${m.meter.denominator}`}</option>
              )}
          </select>
          <Edited on={m.edited.meter} what="meter" onRevert={() => void edit({ meter: undefined })} />
        </span>

        <label htmlFor="edit-key">Key</label>
        <span className="row">
          <select
            id="edit-key"
            className="input"
            value={m.key ? keyName(m.key) : ''}
            onChange={(e) => e.currentTarget.value && void edit({ key: parseKey(e.currentTarget.value) })}
          >
            {!m.key && <option value="">unknown</option>}
            {m.key && !ALL_KEYS.includes(keyName(m.key)) && (
              <option value={keyName(m.key)}>{keyName(m.key)}</option>
            )}
            {ALL_KEYS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
          <Edited on={m.edited.key} what="key" onRevert={() => void edit({ key: undefined })} />
        </span>

        <label htmlFor="edit-chord">Chord</label>
        <span className="row">
          {chord ? (
            <>
              <span className="muted">
                #{selectedChord! + 1} at {chord.start.toFixed(2)} s
              </span>
              {!m.edited.chords.has(selectedChord!) && chord.label !== 'N' && (
                <ConfidenceTag c={chord.conf} what="this chord" testId="chord-conf" />
              )}
              <input
                id="edit-chord"
                className="input"
                maxLength={16}
                value={label}
                onChange={(e) => setLabel(e.currentTarget.value)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' && label.trim() && label.trim() !== chord.label)
                    void edit({
                      chords: { ...(m.edits.chords ?? {}), [String(selectedChord)]: label.trim() },
                    });
                }}
              />
              <button
                type="button"
                className="btn"
                disabled={!label.trim() || label.trim() === chord.label}
                onClick={() =>
                  void edit({ chords: { ...(m.edits.chords ?? {}), [String(selectedChord)]: label.trim() } })
                }
              >
                Set
              </button>
              <Edited
                on={m.edited.chords.has(selectedChord!)}
                what="chord"
                onRevert={() => {
                  const next = { ...(m.edits.chords ?? {}) };
                  delete next[String(selectedChord)];
                  void edit({ chords: Object.keys(next).length ? next : undefined });
                }}
              />
            </>
          ) : (
            <span className="muted">
              {m.chords.length
                ? 'Click a chord in the chords lane to relabel it.'
                : 'No chords were detected.'}
            </span>
          )}
        </span>
      </div>
    </section>
  );
}
