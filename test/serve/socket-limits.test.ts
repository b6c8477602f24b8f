/**
 * The scoring server's socket limits (issue #12): a client that sends half a header, or nothing, or idles on a
 * keep-alive connection is cut well before the 36–40 s it used to hold a socket; a slow prediction is not cut;
 * and the port is bound before the model loads, so a port in use fails at once with exit-2 wording.
 */
import { connect, createServer, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { MlciError, exitCodeFor } from '@mlci/core';
import { listenHttp, serveModel, startScoringServer, type ModelInfo, type Predictor, type RunningServer } from '@mlci/serve';

const model: ModelInfo = {
  dir: '/nonexistent',
  loader: 'predict.py',
  runtime: 'python',
  flavors: [],
  signature: null,
  inputExample: null,
  requirements: [],
};

/** A predictor without Python: answers each row after `delayMs`. */
function fakePredictor(delayMs = 0): Predictor {
  return {
    start: async () => ({ loader: 'predict.py', classes: null, runtime: 'fake', path: 'python' }),
    isReady: () => true,
    predict: (batch) =>
      new Promise((done) => setTimeout(() => done((batch.kind === 'table' ? batch.rows : batch.data).map(() => 1)), delayMs)),
    close: async () => {},
    stats: () => ({ restarts: 0, queued: 0, busy: 0, workers: 1 }),
  };
}

const servers: RunningServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function start(options: Partial<Parameters<typeof startScoringServer>[0]> = {}): Promise<RunningServer> {
  const server = await startScoringServer({
    model,
    predictor: fakePredictor(),
    info: { loader: 'predict.py', classes: null, runtime: 'fake', path: 'python' },
    port: 0,
    ...options,
  });
  servers.push(server);
  return server;
}

/** Opens a raw socket, writes `data`, and resolves with how long the server took to close it (or the ceiling). */
function heldFor(port: number, data: string, ceilingMs = 15_000): Promise<{ ms: number; closedByServer: boolean; received: string }> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(data));
    let received = '';
    socket.on('data', (d) => (received += d));
    const ceiling = setTimeout(() => {
      socket.destroy();
      resolve({ ms: Date.now() - started, closedByServer: false, received });
    }, ceilingMs);
    socket.on('close', () => {
      clearTimeout(ceiling);
      resolve({ ms: Date.now() - started, closedByServer: true, received });
    });
    socket.on('error', () => {});
  });
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });

describe('serve: slow clients', () => {
  it('closes a socket that sent half a header within the headers timeout (2 s configured, default 10 s)', async () => {
    const configured = await start({ headersTimeoutMs: 2000 });
    const byDefault = await start();
    const half = 'POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Ty';
    const [a, b] = await Promise.all([heldFor(configured.port, half), heldFor(byDefault.port, half)]);
    expect(a.closedByServer, 'configured 2 s: still open at 15 s').toBe(true);
    expect(a.ms).toBeGreaterThanOrEqual(1500);
    expect(a.ms).toBeLessThan(5000);
    expect(a.received).toMatch(/^HTTP\/1\.1 408/);
    expect(b.closedByServer, 'default: still open at 15 s').toBe(true);
    expect(b.ms).toBeLessThan(13_000);
    console.log(`half header held ${a.ms} ms (headers timeout 2 s), ${b.ms} ms (default)`);
  });

  it('closes a socket that sends nothing, and an idle keep-alive connection', async () => {
    const server = await start({ headersTimeoutMs: 1500, keepAliveTimeoutMs: 1000 });
    const silent = await heldFor(server.port, '');
    expect(silent.closedByServer).toBe(true);
    expect(silent.ms).toBeLessThan(5000);
    const keptAlive = await heldFor(server.port, 'GET /ping HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n');
    expect(keptAlive.received).toMatch(/^HTTP\/1\.1 200/);
    expect(keptAlive.closedByServer).toBe(true);
    expect(keptAlive.ms).toBeLessThan(5000);
  });

  it('closes a body that trickles past the request timeout', async () => {
    const server = await start({ requestTimeoutMs: 2000, headersTimeoutMs: 1000 });
    const started = Date.now();
    const result = await new Promise<{ ms: number; received: string }>((resolve) => {
      const socket = connect(server.port, '127.0.0.1', () =>
        socket.write('POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{'),
      );
      let received = '';
      const drip = setInterval(() => socket.write(' '), 300);
      socket.on('data', (d) => (received += d));
      socket.on('error', () => {});
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ ms: Date.now() - started, received });
      });
      setTimeout(() => socket.destroy(), 15_000);
    });
    expect(result.ms).toBeLessThan(6000);
    expect(result.received).toMatch(/^HTTP\/1\.1 408/);
  });

  it('does not cut a prediction that takes longer than the header and keep-alive limits', async () => {
    const server = await start({ predictor: fakePredictor(2500), headersTimeoutMs: 1000, keepAliveTimeoutMs: 500, idleTimeoutMs: 6000 });
    const res = await fetch(`${server.url}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ instances: [[1], [2]] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { predictions: unknown[] }).predictions).toEqual([1, 1]);
  });
});

describe('serve: the port is bound before the model loads', () => {
  it('fails at once on a port in use, naming host:port with a hint, before resolving the model', async () => {
    const taken = await listenHttp({ port: 0 });
    let resolverCalled = false;
    const started = Date.now();
    try {
      const error = await serveModel('no-such-model', { port: taken.port, resolvers: [async () => ((resolverCalled = true), null)] }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(MlciError);
      expect(exitCodeFor(error)).toBe(2);
      expect(error.message).toContain(`127.0.0.1:${taken.port}`);
      expect(error.message).toMatch(/already in use/);
      expect(error.hint).toMatch(/--port 0/);
      expect(resolverCalled).toBe(false);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await new Promise((r) => taken.server.close(r));
    }
  });

  it('answers /ping 503 while the model loads, and frees the port when loading fails', async () => {
    const port = await freePort();
    let ping: number | null = null;
    const error = await serveModel('no-such-model', {
      port,
      resolvers: [
        async () => {
          ping = (await fetch(`http://127.0.0.1:${port}/ping`)).status;
          return null;
        },
      ],
    }).catch((e) => e);
    expect(ping).toBe(503);
    expect(error).toBeInstanceOf(MlciError);
    expect(error.message).toMatch(/no model directory/);
    const again = await listenHttp({ port }); // the failed start left nothing listening
    await new Promise((r) => again.server.close(r));
  });

  it('names a privileged port and an address this machine does not have', async () => {
    const notMine = await listenHttp({ host: '203.0.113.7', port: 0 }).catch((e) => e);
    expect(notMine).toBeInstanceOf(MlciError);
    expect(notMine.message).toMatch(/203\.0\.113\.7:0.*not an address of this machine/);
    expect(notMine.hint).toMatch(/--host/);
  });
});
