/**
 * Where a request may go, by scheme: https anywhere, plain http only to this machine (the local
 * stand-ins for target systems and state sources). Held by the rule and secret schemas when they
 * are written and again where a credential leaves (the http provisioner, the sources' client).
 */
const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** `protocol` as a URL writes it (`https:`), `hostname` without the port (an IPv6 one in brackets). */
export function httpsOrLoopback(url: { readonly protocol: string; readonly hostname: string }): boolean {
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && LOOPBACK_HOSTS.includes(url.hostname.toLowerCase());
}
