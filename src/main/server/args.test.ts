import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseServerArgs } from './args';

describe('parseServerArgs', () => {
  it('defaults to port 8000 and the OS data dir', () => {
    const r = parseServerArgs([], '/cwd');
    expect(r).toEqual({ ok: true, args: { port: DEFAULT_PORT, dataDir: null, maxUploadBytes: 2048 * 1024 * 1024, concurrency: null, help: false } });
    expect(DEFAULT_PORT).toBe(8000);
  });
  it('reads --port, --data-dir (resolved against cwd) in both spellings, skipping "--"', () => {
    const r = parseServerArgs(['--', '--port', '0', '--data-dir=rel/d', '--max-upload-mb', '5', '--concurrency', '2'], '/cwd');
    expect(r.ok && r.args).toMatchObject({ port: 0, dataDir: '/cwd/rel/d', maxUploadBytes: 5 * 1024 * 1024, concurrency: 2 });
  });
  it('rejects bad ports, missing values and unknown options with a message', () => {
    for (const argv of [['--port', '70000'], ['--port', '-1'], ['--port', 'x'], ['--port'], ['--data-dir'], ['--verbose'], ['--max-upload-mb', '0'], ['--concurrency', '0'], ['--concurrency', '65']]) {
      const r = parseServerArgs(argv, '/cwd');
      expect(r.ok, argv.join(' ')).toBe(false);
      if (!r.ok) expect(r.message.length).toBeGreaterThan(5);
    }
  });
});
