// A TCP relay in front of a server, for fault tests: cut every connection (a reset), or stop forwarding without closing anything (a partition).

import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Relay {
  port: number;
  /** Drops every connection and refuses new ones until {@link Relay.restore}. */
  cut(): void;
  restore(): void;
  /**
   * A partition: every byte in either direction is held back and nothing is closed, so both ends
   * wait for an answer that does not come (new connections are accepted and stall too).
   */
  stall(): void;
  /** Ends the partition: the held-back bytes flow on and forwarding resumes. */
  resume(): void;
  close(): Promise<void>;
}

export async function createRelay(targetHost: string, targetPort: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  const paused = new Set<Socket>();
  let down = false;
  let stalled = false;
  const server: Server = createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, targetHost);
    sockets.add(client).add(upstream);
    const close = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    for (const s of [client, upstream]) {
      s.on('error', close);
      s.on('close', close);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    if (stalled) for (const s of [client, upstream]) pause(s);
  });
  // Pausing a readable stops reading from the socket: the bytes wait in the kernel, unanswered.
  const pause = (s: Socket) => {
    s.pause();
    paused.add(s);
  };
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  return {
    port: address.port,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
      sockets.clear();
    },
    restore() {
      down = false;
    },
    stall() {
      stalled = true;
      for (const s of sockets) pause(s);
    },
    resume() {
      stalled = false;
      for (const s of paused) s.resume();
      paused.clear();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
