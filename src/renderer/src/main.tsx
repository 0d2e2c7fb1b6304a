import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
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

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
