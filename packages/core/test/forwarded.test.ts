// Forwarding headers (issue #15, item 7): address, host and protocol from the right end of the chain, counting trusted hops.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, forwardedHostAndProtocol, requestContext } from '@gatehouse/core';

const h = (headers: Record<string, string>) => new Headers(headers);

describe('clientAddress', () => {
  test('with no trusted proxy, the address this server appended wins over anything the client wrote', () => {
    // The client wrote the first two entries; the server appended the socket address.
    const headers = h({ 'x-forwarded-for': '6.6.6.6, 7.7.7.7, 203.0.113.5' });
    assert.equal(clientAddress(headers), '203.0.113.5');
    assert.equal(clientAddress(headers, 0), '203.0.113.5');
    assert.equal(requestContext({ headers }).ip, '203.0.113.5');
  });

  test('behind trusted proxies, the entry the outermost one appended, never one further left', () => {
    // client-written, what proxy 1 saw (the client), what proxy 2 saw (proxy 1), what this server saw (proxy 2)
    const headers = h({ 'x-forwarded-for': '6.6.6.6, 198.51.100.9, 10.0.0.1, 10.0.0.2' });
    assert.equal(clientAddress(headers, 1), '10.0.0.1');
    assert.equal(clientAddress(headers, 2), '198.51.100.9');
    assert.equal(requestContext({ headers }, 2).ip, '198.51.100.9');
    // Fewer entries than trusted hops: a proxy did not append, so no entry is believed.
    assert.equal(clientAddress(h({ 'x-forwarded-for': '10.0.0.2' }), 1), null);
    assert.equal(clientAddress(h({}), 0), null);
  });
});

describe('forwardedHostAndProtocol', () => {
  test('with no trusted proxy, a client-written X-Forwarded-Host or -Proto has no say', () => {
    const headers = h({ host: 'app.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https, http' });
    assert.deepEqual(forwardedHostAndProtocol(headers, 0, 'http'), { host: 'app.example', protocol: 'http' });
    // The first entry, which the old rule read, is the client's.
    const first = h({ host: 'app.example', 'x-forwarded-host': 'evil.example, app.example' });
    assert.equal(forwardedHostAndProtocol(first, 0, 'http').host, 'app.example');
  });

  test('behind a trusted proxy, the host and protocol it forwarded', () => {
    const headers = h({
      host: 'app.internal:3000',
      'x-forwarded-host': 'evil.example, app.example',
      'x-forwarded-proto': 'http, https, http',
    });
    assert.deepEqual(forwardedHostAndProtocol(headers, 1, 'http'), { host: 'app.example', protocol: 'https' });
    // A proxy that did not send X-Forwarded-Host forwarded the Host header as the browser sent it.
    assert.equal(forwardedHostAndProtocol(h({ host: 'app.example' }), 1, 'http').host, 'app.example');
    // Without X-Forwarded-Proto, this server's own protocol; nonsense is not believed.
    assert.equal(forwardedHostAndProtocol(h({ host: 'a' }), 1, 'https').protocol, 'https');
    assert.equal(forwardedHostAndProtocol(h({ host: 'a', 'x-forwarded-proto': 'javascript' }), 0, 'http').protocol, 'http');
  });
});
