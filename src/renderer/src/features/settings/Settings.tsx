/** Settings: cleanup, database info and backups, retention, concurrency, theme. */
import { useEffect, useState } from 'react';
import { useSettings } from './settingsStore';
import { Cleanup } from './Cleanup';
import { ApiError, call } from '../../api/client';
import { formatBytes, formatDate, plainError } from '../../ui/format';
import type { Settings as SettingsT } from '../../../../shared/domain';
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
            {stats.backups.length
              ? stats.backups
                  .map((b) => `${formatDate(b.createdAt)} (${formatBytes(b.sizeBytes)})`)
                  .join(' · ')
              : 'none yet'}
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
