import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isTrustedSender, originOf } from './sender';

describe('isTrustedSender', () => {
  const allowed = [APP_ORIGIN, 'http://localhost:5173'];
  it('accepts the top-level app frame and the dev server', () => {
    expect(isTrustedSender({ url: 'app://performia/index.html', parent: null }, allowed)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, allowed)).toBe(true);
  });
  it('refuses iframes, other origins, file:// and missing frames', () => {
    expect(isTrustedSender({ url: 'app://performia/index.html', parent: {} }, allowed)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, allowed)).toBe(false);
    expect(isTrustedSender({ url: 'file:///etc/passwd', parent: null }, allowed)).toBe(false);
    expect(isTrustedSender({ url: 'app://performia.evil/index.html', parent: null }, allowed)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, allowed)).toBe(false);
    expect(isTrustedSender(null, allowed)).toBe(false);
    expect(isTrustedSender({ url: 'not a url', parent: null }, allowed)).toBe(false);
  });
  it('computes origins of custom schemes', () => {
    expect(originOf('app://performia/a/b?c')).toBe('app://performia');
    expect(originOf('::')).toBeNull();
  });
});
