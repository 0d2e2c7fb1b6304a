import { describe, expect, it, vi } from 'vitest';
import { EventBus } from './events';

describe('EventBus', () => {
  it('delivers to every listener, survives a throwing one, and unsubscribes', () => {
    const bus = new EventBus();
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const got: string[] = [];
    bus.on('jobs.removed', () => {
      throw new Error('dead window');
    });
    const off = bus.on('jobs.removed', ({ ids }) => got.push(...ids));
    bus.on('app.notice', () => got.push('notice'));
    bus.emit('jobs.removed', { ids: ['a'] });
    off();
    bus.emit('jobs.removed', { ids: ['b'] });
    expect(got).toEqual(['a']);
    expect(err).toHaveBeenCalledTimes(2);
    // a listener that unsubscribes itself while being called does not disturb the others
    const seen: number[] = [];
    const self = bus.on('job.progress', () => {
      seen.push(1);
      self();
    });
    bus.on('job.progress', () => seen.push(2));
    bus.emit('job.progress', { id: 'x', progress: 0.5, stage: null });
    bus.emit('job.progress', { id: 'x', progress: 0.6, stage: null });
    expect(seen).toEqual([1, 2, 2]);
    err.mockRestore();
  });
});
