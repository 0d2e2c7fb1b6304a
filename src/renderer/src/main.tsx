import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './styles.css';

// the last theme chosen, before settings arrive, so a dark-mode user never sees a white flash
try {
  const t = localStorage.getItem('performia.theme');
  if (t === 'light' || t === 'dark' || t === 'system') document.documentElement.dataset.theme = t;
} catch {
  /* no storage: system theme */
}

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
