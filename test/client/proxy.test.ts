import { describe, expect, it } from 'vitest';
import { parseAddress } from '../../src/client/address.js';
import { proxyConnectHead, proxyFor } from '../../src/client/proxy.js';

const ep = (a: string) => parseAddress(a);

describe('proxyFor', () => {
  it('takes an explicit proxy, and false for none', () => {
    expect(proxyFor(ep('10.0.0.1:80'), 'http://p:3128', {})?.href).toBe('http://p:3128/');
    expect(proxyFor(ep('10.0.0.1:80'), 'p:3128', {})?.host).toBe('p:3128');
    expect(proxyFor(ep('10.0.0.1:80'), false, { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
  });

  it('follows HTTP_PROXY, and HTTPS_PROXY for https:// endpoints, in either case', () => {
    expect(proxyFor(ep('svc.internal:1234'), undefined, { HTTP_PROXY: 'http://p:1' })?.host).toBe('p:1');
    expect(proxyFor(ep('svc.internal:1234'), undefined, { http_proxy: 'http://q:2' })?.host).toBe('q:2');
    expect(proxyFor(ep('https://svc.internal:1234'), undefined, { HTTPS_PROXY: 'http://s:3', HTTP_PROXY: 'http://p:1' })?.host).toBe('s:3');
    expect(proxyFor(ep('svc.internal:1234'), undefined, {})).toBeUndefined();
  });

  it('honours NO_PROXY: names, domain suffixes, ports and *', () => {
    const env = { HTTP_PROXY: 'http://p:1', NO_PROXY: 'a.example, .corp.net,b.example:9000' };
    expect(proxyFor(ep('a.example:1234'), undefined, env)).toBeUndefined();
    expect(proxyFor(ep('x.a.example:1234'), undefined, env)).toBeUndefined();
    expect(proxyFor(ep('db.corp.net:1'), undefined, env)).toBeUndefined();
    expect(proxyFor(ep('b.example:9000'), undefined, env)).toBeUndefined();
    expect(proxyFor(ep('b.example:9001'), undefined, env)?.host).toBe('p:1');
    expect(proxyFor(ep('other.example:1'), undefined, env)?.host).toBe('p:1');
    expect(proxyFor(ep('other.example:1'), undefined, { ...env, no_proxy: '*', NO_PROXY: undefined })).toBeUndefined();
  });

  it('never proxies loopback targets from the environment, like Go', () => {
    for (const a of ['127.0.0.1:1234', 'localhost:1234', '[::1]:1234', '127.1.2.3:80']) {
      expect(proxyFor(ep(a), undefined, { HTTP_PROXY: 'http://p:1' })).toBeUndefined();
    }
    expect(proxyFor(ep('127.0.0.1:1234'), 'http://p:1', {})?.host).toBe('p:1');
  });
});

describe('proxyConnectHead', () => {
  it('asks for a tunnel to host:port, with Basic credentials from the URL', () => {
    expect(proxyConnectHead(ep('svc:1234'), new URL('http://p:3128'))).toBe('CONNECT svc:1234 HTTP/1.1\r\nHost: svc:1234\r\n\r\n');
    expect(proxyConnectHead(ep('[::1]:1234'), new URL('http://u%40x:p%3Aw@p:3128'))).toBe(
      `CONNECT [::1]:1234 HTTP/1.1\r\nHost: [::1]:1234\r\nProxy-Authorization: Basic ${Buffer.from('u@x:p:w').toString('base64')}\r\n\r\n`,
    );
  });
});
