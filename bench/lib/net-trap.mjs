// Preloaded (`node --import`) into every benchmark process: only loopback traffic may leave it.
//
// Replaces `fetch` and `net.Socket#connect` before any library loads (some capture `fetch` at
// import time), so a peer that tries to reach its cloud fails at once instead of timing the network.
// Every refused attempt is written to stderr as one `net-trap: blocked …` line and counted.

import net from 'node:net';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|::1|\[::1\]|::ffff:127(?:\.\d{1,3}){3})$/i;
const blocked = [];

function refuse(target) {
  blocked.push(String(target));
  process.stderr.write(`net-trap: blocked ${String(target).slice(0, 200)}\n`);
  return new Error(`net-trap: network access to ${String(target).slice(0, 200)} is not allowed in benchmarks`);
}

const realFetch = globalThis.fetch;
globalThis.fetch = async function trappedFetch(input, init) {
  const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
  if (!LOOPBACK.test(url.hostname)) throw refuse(url.href);
  return realFetch(input, init);
};

const realConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function trappedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host = null;
  if (typeof first === 'object' && first !== null) host = first.path ? 'unix' : (first.host ?? 'localhost');
  else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    host = typeof args[1] === 'string' ? args[1] : 'localhost';
  else if (typeof first === 'string') host = 'unix'; // a path: a local socket
  if (host !== 'unix' && !LOOPBACK.test(host)) {
    const error = refuse(`tcp://${host}`);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return realConnect.apply(this, args);
};

/** How many network attempts were refused in this process so far. */
globalThis.__netTrapBlocked = blocked;
