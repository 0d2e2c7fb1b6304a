import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { Notices } from './Notices';
import { useApp } from '../../stores/app';
import { connectEvents } from '../../stores/bridge';
import { setApi } from '../../api/client';
import { fakeApi } from '../../test/fakeApi';

beforeEach(() => useApp.setState({ notices: [] }));
afterEach(() => {
  cleanup();
  setApi(null);
});

describe('Notices', () => {
  it('shows app.notice events as banners (errors as alerts), once each, dismissible', () => {
    const api = fakeApi();
    setApi(api);
    const off = connectEvents();
    render(<Notices />);
    act(() =>
      api.emit('app.notice', { level: 'warning', message: 'The database was restored from a backup.' }),
    );
    act(() =>
      api.emit('app.notice', { level: 'warning', message: 'The database was restored from a backup.' }),
    );
    act(() => api.emit('app.notice', { level: 'error', message: 'Disk full.' }));
    expect(screen.getAllByTestId('notice')).toHaveLength(2);
    expect(screen.getAllByRole('alert').map((n) => n.textContent)).toEqual([
      'The database was restored from a backup.×',
      'Disk full.×',
    ]);
    fireEvent.click(screen.getAllByRole('button', { name: 'Dismiss notice' })[0]);
    expect(screen.getAllByTestId('notice')).toHaveLength(1);
    off();
    act(() => api.emit('app.notice', { level: 'info', message: 'after unsubscribe' }));
    expect(screen.getAllByTestId('notice')).toHaveLength(1);
  });
});
