/** The one scheme rule for outside requests: https anywhere, plain http only to this machine. */
import { describe, expect, it } from 'vitest';
import { httpsOrLoopback } from '../../../src/kernel/https-or-loopback';

describe('httpsOrLoopback', () => {
  it('allows https to any host', () => {
    // Prepare / Act / Assess
    expect(httpsOrLoopback(new URL('https://api.example.com/v1'))).toBe(true);
    expect(httpsOrLoopback(new URL('https://10.0.0.1:8443/'))).toBe(true);
  });

  it('allows plain http to this machine only, by any of its loopback names and on any port', () => {
    // Prepare / Act / Assess
    for (const url of ['http://localhost/', 'http://127.0.0.1:3000/x', 'http://[::1]:8080/', 'http://LOCALHOST/']) {
      expect(httpsOrLoopback(new URL(url)), url).toBe(true);
    }
    expect(httpsOrLoopback({ protocol: 'http:', hostname: 'LocalHost' })).toBe(true);
    for (const url of ['http://api.example.com/', 'http://127.0.0.2/', 'http://localhost.example.com/', 'http://10.0.0.1/']) {
      expect(httpsOrLoopback(new URL(url)), url).toBe(false);
    }
  });

  it('refuses every other scheme, to this machine too', () => {
    // Prepare / Act / Assess
    for (const url of ['ftp://localhost/', 'file:///etc/passwd', 'ws://127.0.0.1/', 'data:text/plain,x']) {
      expect(httpsOrLoopback(new URL(url)), url).toBe(false);
    }
  });
});
