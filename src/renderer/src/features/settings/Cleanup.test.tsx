import { afterEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Cleanup } from './Cleanup';
import { setApi } from '../../api/client';
import { fakeApi } from '../../test/fakeApi';

afterEach(() => {
  cleanup();
  setApi(null);
  vi.useRealTimers();
});

function setup() {
  const api = fakeApi();
  let stored = 3;
  api.handle('jobs.cleanup', ({ olderThanDays, dryRun }) => {
    const count = olderThanDays <= 10 ? stored : 0;
    if (!dryRun) stored = 0;
    return { count, bytes: count * 2 * 1024 * 1024, dryRun: !!dryRun };
  });
  api.handle('db.stats', () => ({ ok: false, error: { code: 'E_INTERNAL', message: 'n/a' } }));
  setApi(api);
  return api;
}

describe('Cleanup', () => {
  it('previews (dry run) first, then deletes only after the undo window', async () => {
    vi.useFakeTimers();
    const api = setup();
    render(<Cleanup undoSeconds={3} />);
    fireEvent.change(screen.getByLabelText('Cleanup age in days'), { target: { value: '7' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Preview' })));
    expect(api.callsTo('jobs.cleanup')).toEqual([{ olderThanDays: 7, dryRun: true }]);
    expect(screen.getByTestId('cleanup-preview').textContent).toContain('3 jobs and 6.0 MB');
    fireEvent.click(screen.getByRole('button', { name: 'Clean up now' }));
    expect(screen.getByTestId('cleanup-pending').textContent).toContain('3 s');
    await act(async () => vi.advanceTimersByTime(2000));
    expect(api.callsTo('jobs.cleanup')).toHaveLength(1); // nothing deleted during the undo window
    await act(async () => vi.advanceTimersByTime(1000));
    expect(api.callsTo('jobs.cleanup')[1]).toEqual({ olderThanDays: 7, dryRun: false });
    expect(screen.getByTestId('cleanup-done').textContent).toContain('Removed 3 jobs');
  });

  it('Undo inside the window deletes nothing', async () => {
    vi.useFakeTimers();
    const api = setup();
    render(<Cleanup undoSeconds={5} />);
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Preview' })));
    expect(screen.getByTestId('cleanup-preview').textContent).toContain('Nothing to clean up'); // 30 days default
    fireEvent.change(screen.getByLabelText('Cleanup age in days'), { target: { value: '0' } });
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Preview' })));
    fireEvent.click(screen.getByRole('button', { name: 'Clean up now' }));
    fireEvent.click(screen.getByRole('button', { name: 'Undo' }));
    await act(async () => vi.advanceTimersByTime(10_000));
    expect(api.callsTo('jobs.cleanup').every((r) => (r as { dryRun: boolean }).dryRun)).toBe(true);
  });

  it('refuses a negative number of days before asking the core', () => {
    const api = setup();
    render(<Cleanup />);
    fireEvent.change(screen.getByLabelText('Cleanup age in days'), { target: { value: '-1' } });
    expect((screen.getByRole('button', { name: 'Preview' }) as HTMLButtonElement).disabled).toBe(true);
    expect(api.calls).toHaveLength(0);
  });
});
