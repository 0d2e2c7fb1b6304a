/** Settings: cleanup, database info and backups, retention, concurrency, theme. */
import { useEffect, useState } from 'react';
import { useSettings } from './settingsStore';
import { Cleanup } from './Cleanup';
import { ApiError, call } from '../../api/client';
import { formatBytes, formatDate, plainError } from '../../ui/format';
import type { BackupEntry, Settings as SettingsT } from '../../../../shared/domain';
import { JOB_STATUSES } from '../../../../shared/names';

function Preferences({ settings }: { settings: SettingsT }): React.JSX.Element {
  const save = useSettings((s) => s.save);
  const [retention, setRetention] = useState(
    settings.retentionDays == null ? '' : String(settings.retentionDays),
  );
  return (
    <section className="panel" aria-labelledby="prefs-title">
      <h2 id="prefs-title">Preferences</h2>
      <div className="form-grid">
        <label htmlFor="theme">Theme</label>
        <select
          id="theme"
          className="input"
          value={settings.theme}
          onChange={(e) => void save({ theme: e.currentTarget.value as SettingsT['theme'] })}
        >
          <option value="system">System</option>
          <option value="light">Light</option>
          <option value="dark">Dark</option>
        </select>
        <label htmlFor="concurrency">Analyses at once</label>
        <input
          id="concurrency"
          className="input num"
          type="number"
          min={1}
          max={64}
          defaultValue={settings.concurrency}
          onBlur={(e) => {
            const v = Math.round(Number(e.currentTarget.value));
            if (v >= 1 && v <= 64 && v !== settings.concurrency) void save({ concurrency: v });
          }}
        />
        <label htmlFor="retention">Auto-clean finished jobs older than (days, empty = off)</label>
        <span>
          <input
            id="retention"
            className="input num"
            type="number"
            min={1}
            max={36500}
            value={retention}
            onChange={(e) => setRetention(e.currentTarget.value)}
          />
          <button
            type="button"
            className="btn"
            onClick={() =>
              void save({
                retentionDays: retention.trim() === '' ? null : Math.max(1, Math.round(Number(retention))),
              })
            }
          >
            Save
          </button>
          <span className="muted">
            {' '}
            {settings.retentionDays == null ? 'off' : `on: ${settings.retentionDays} days, at start`}
          </span>
        </span>
        <label htmlFor="keep">Backups kept</label>
        <input
          id="keep"
          className="input num"
          type="number"
          min={1}
          max={100}
          defaultValue={settings.keepBackups}
          onBlur={(e) => {
            const v = Math.round(Number(e.currentTarget.value));
            if (v >= 1 && v <= 100 && v !== settings.keepBackups) void save({ keepBackups: v });
          }}
        />
      </div>
    </section>
  );
}

const SECONDS = { seconds: true };
const jobsText = (n: number | null): string =>
  n == null ? 'jobs unknown' : `${n.toLocaleString()} ${n === 1 ? 'job' : 'jobs'}`;

/** The backups, each restorable after a confirmation; the current history is kept as a backup first. */
function Backups({ currentTotal }: { currentTotal: number | null }): React.JSX.Element {
  const backups = useSettings((s) => s.backups);
  const loadStats = useSettings((s) => s.loadStats);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const restore = async (b: BackupEntry): Promise<void> => {
    setConfirming(null);
    setBusy(true);
    setResult('Restoring…');
    try {
      const r = await call('backups.restore', { name: b.name });
      setResult(
        `Restored the backup of ${formatDate(r.restored.createdAt, SECONDS)}: ${jobsText(r.total)}` +
          (r.requeued
            ? `, ${r.requeued} interrupted ${r.requeued === 1 ? 'analysis runs' : 'analyses run'} again`
            : '') +
          `. The history as it was before is kept as the backup of ${formatDate(r.keptAs.createdAt, SECONDS)}: restore that one to undo.`,
      );
    } catch (e) {
      setResult(
        e instanceof ApiError ? `${plainError(e.code, e.message)} (${e.code})` : 'The restore failed.',
      );
    } finally {
      setBusy(false);
      void loadStats();
    }
  };
  if (!backups) return <span className="muted">…</span>;
  return (
    <div>
      {backups.length === 0 ? (
        'none yet'
      ) : (
        <ul className="backup-list" data-testid="backups">
          {backups.map((b) => {
            const when = formatDate(b.createdAt, SECONDS);
            return (
              <li key={b.name} data-testid="backup-row" data-backup={b.name}>
                <span>
                  {when} · {formatBytes(b.sizeBytes)} · {jobsText(b.jobCount)}
                </span>{' '}
                {confirming === b.name ? (
                  <span role="alert">
                    Replace the current history
                    {currentTotal != null ? ` (${jobsText(currentTotal)})` : ''} with this backup (
                    {jobsText(b.jobCount)})? The current history is kept as a new backup first, so this can be
                    undone.{' '}
                    <button type="button" className="btn danger" onClick={() => void restore(b)}>
                      Restore
                    </button>{' '}
                    <button type="button" className="btn" onClick={() => setConfirming(null)}>
                      Keep current
                    </button>
                  </span>
                ) : (
                  <button
                    type="button"
                    className="btn subtle"
                    disabled={busy}
                    aria-label={`Restore the backup of ${when}…`}
                    onClick={() => {
                      setResult(null);
                      setConfirming(b.name);
                    }}
                  >
                    Restore…
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {result && (
        <p aria-live="polite" data-testid="restore-result">
          {result}
        </p>
      )}
    </div>
  );
}

function Database(): React.JSX.Element {
  const stats = useSettings((s) => s.stats);
  const loadStats = useSettings((s) => s.loadStats);
  const [backup, setBackup] = useState<string | null>(null);
  const doBackup = async (): Promise<void> => {
    setBackup('Backing up…');
    try {
      const b = await call('db.backup', {});
      setBackup(`Backup written: ${b.path} (${formatBytes(b.sizeBytes)})`);
      void loadStats();
    } catch (e) {
      setBackup(
        e instanceof ApiError ? `${plainError(e.code, e.message)} (${e.code})` : 'The backup failed.',
      );
    }
  };
  return (
    <section className="panel" aria-labelledby="db-title" data-testid="db-info">
      <h2 id="db-title">Database</h2>
      {!stats ? (
        <p className="muted">Loading…</p>
      ) : (
        <dl className="form-grid">
          <dt>Location</dt>
          <dd className="mono">{stats.dbPath}</dd>
          <dt>Size on disk</dt>
          <dd>{formatBytes(stats.sizeBytes)}</dd>
          <dt>Schema version</dt>
          <dd data-testid="schema-version">{stats.schemaVersion}</dd>
          <dt>Jobs</dt>
          <dd data-testid="db-total">
            {stats.total} ({JOB_STATUSES.map((s) => `${stats.counts[s] ?? 0} ${s}`).join(', ')})
          </dd>
          <dt>Backups</dt>
          <dd>
            <Backups currentTotal={stats.total} />
          </dd>
          {stats.recovery && (
            <>
              <dt>Recovery</dt>
              <dd>{stats.recovery}</dd>
            </>
          )}
        </dl>
      )}
      <div className="row">
        <button type="button" className="btn" onClick={() => void doBackup()}>
          Back up now
        </button>
        <button type="button" className="btn subtle" onClick={() => void loadStats()}>
          Refresh
        </button>
        {backup && <span aria-live="polite">{backup}</span>}
      </div>
    </section>
  );
}

export function SettingsView(): React.JSX.Element {
  const settings = useSettings((s) => s.settings);
  const error = useSettings((s) => s.error);
  useEffect(() => {
    void useSettings.getState().load();
  }, []);
  return (
    <div className="settings" data-testid="settings">
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <Cleanup />
      <Database />
      {settings && <Preferences settings={settings} />}
    </div>
  );
}
