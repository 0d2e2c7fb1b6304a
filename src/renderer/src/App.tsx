/** The window: header with navigation and Open…, notices, the current view, the drop overlay. */
import { Suspense, lazy, useEffect } from 'react';
import { useApp } from './stores/app';
import { connectEvents, loadActiveJobs } from './stores/bridge';
import { DropZone } from './features/drop/DropZone';
import { OpenButton } from './features/drop/OpenButton';
import { Notices } from './features/notice/Notices';
import { Queue, RejectedList } from './features/queue/Queue';
import { History } from './features/history/History';
import { SettingsView } from './features/settings/Settings';
import { useSettings } from './features/settings/settingsStore';

// the song map view (canvas, Web Audio, exports, music theory) loads on first use, keeping the first paint light
const SongMapView = lazy(() =>
  import('./features/songmap/SongMapView').then((m) => ({ default: m.SongMapView })),
);

export function App(): React.JSX.Element {
  const view = useApp((s) => s.view);
  const songId = useApp((s) => s.songId);
  const show = useApp((s) => s.show);

  useEffect(() => {
    const off = connectEvents();
    void loadActiveJobs();
    void useSettings.getState().load();
    return off;
  }, []);

  return (
    <div className="app">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <h1 className="brand">Performia</h1>
        <nav aria-label="Views" className="tabs">
          <button
            type="button"
            className={`tab${view === 'library' ? ' on' : ''}`}
            aria-current={view === 'library' ? 'page' : undefined}
            onClick={() => show('library')}
          >
            Library
          </button>
          {songId && (
            <button
              type="button"
              className={`tab${view === 'song' ? ' on' : ''}`}
              aria-current={view === 'song' ? 'page' : undefined}
              onClick={() => useApp.getState().openSong(songId)}
            >
              Song map
            </button>
          )}
          <button
            type="button"
            className={`tab${view === 'settings' ? ' on' : ''}`}
            aria-current={view === 'settings' ? 'page' : undefined}
            onClick={() => show('settings')}
          >
            Settings
          </button>
        </nav>
        <div className="spacer" />
        <OpenButton />
      </header>
      <Notices />
      <main id="main" className="main">
        {view === 'library' && (
          <>
            <RejectedList />
            <Queue />
            <History />
          </>
        )}
        {view === 'settings' && <SettingsView />}
        {view === 'song' && songId && (
          <Suspense fallback={<p className="muted">Loading the song map…</p>}>
            <SongMapView id={songId} />
          </Suspense>
        )}
      </main>
      <DropZone />
    </div>
  );
}
