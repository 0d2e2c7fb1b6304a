/** app.notice and action errors, as dismissible banners. */
import { useApp } from '../../stores/app';

export function Notices(): React.JSX.Element | null {
  const notices = useApp((s) => s.notices);
  const dismiss = useApp((s) => s.dismiss);
  if (notices.length === 0) return null;
  return (
    <div className="notices">
      {notices.map((n) => (
        <div
          key={n.id}
          className={`notice ${n.level}`}
          role={n.level === 'info' ? 'status' : 'alert'}
          data-testid="notice"
        >
          <span>{n.message}</span>
          <button
            type="button"
            className="btn subtle"
            aria-label="Dismiss notice"
            onClick={() => dismiss(n.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
