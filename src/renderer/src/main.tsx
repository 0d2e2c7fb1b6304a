import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useHistory } from './features/history/historyStore';
import './styles.css';
import { followSystemScheme, setThemeAttributes, type Theme } from './ui/theme';

// the last theme chosen, before settings arrive, so a dark-mode user never sees a white flash
let theme: Theme = 'system';
try {
  const t = localStorage.getItem('performia.theme');
  if (t === 'light' || t === 'dark' || t === 'system') theme = t;
} catch {
  /* no storage: system theme */
}
setThemeAttributes(theme);
followSystemScheme();

// the history's first page is asked for now, while React renders the window; the table joins that
// request as it mounts instead of starting its own after the first paint
void useHistory.getState().reload();

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
