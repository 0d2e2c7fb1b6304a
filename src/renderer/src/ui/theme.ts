/**
 * The theme on <html>: `data-theme` is the user's choice (system | light | dark), `data-scheme` the
 * colours it resolves to (light | dark). The stylesheet keys its dark palette on data-scheme alone,
 * so "dark" and "system on a dark OS" share one set of colours.
 */
export type Theme = 'system' | 'light' | 'dark';

const darkQuery = (): MediaQueryList | null =>
  typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;

export function setThemeAttributes(theme: Theme): void {
  const el = document.documentElement;
  el.dataset.theme = theme;
  el.dataset.scheme = theme === 'system' ? (darkQuery()?.matches ? 'dark' : 'light') : theme;
}

/** Re-resolves data-scheme when the OS switches between light and dark while the theme is "system". */
export function followSystemScheme(): () => void {
  const mq = darkQuery();
  const onChange = (): void => {
    const t = document.documentElement.dataset.theme;
    if (t === 'system' || t === undefined) setThemeAttributes('system');
  };
  mq?.addEventListener('change', onChange);
  return () => mq?.removeEventListener('change', onChange);
}
