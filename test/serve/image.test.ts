/**
 * build-serve-image through the runner harness: a dependency-free predict.py model (examples/serve/linear) is
 * put in a build context, built into an image on the local Debian base (debian-base.ts; no registry is reachable
 * here), run with its port on 127.0.0.1, smoke-tested with its input example, and stopped with SIGTERM. When no
 * container engine can run, the test still builds the context and smoke-tests the server from it, and its name
 * says the container step was not exercised; when the base cannot be made, the container case skips saying why.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runAction } from '../harness/runner';
import { localBase, startEngine, type Engine } from './container-engine';

const found = await startEngine();
const engine: Engine | null = found.engine;
let base = '';
let noBase = '';

beforeAll(() => {
  if (!engine) return;
  const made = localBase(engine.env);
  if (made.tag === null) noBase = made.reason;
  else base = made.tag;
}, 900_000);
afterAll(async () => {
  await engine?.stop();
});

const title = engine
  ? `builds the image with docker (${engine.description}), runs it, smoke-tests it and stops it by SIGTERM`
  : `container step NOT exercised (${found.reason}): builds the context and smoke-tests the server run from it`;

describe('build-serve-image action', () => {
  it(title, async (t) => {
    if (engine && !base) t.skip(`no local Debian base image: ${noBase}`);
    const run = await runAction('build-serve-image', {
      inputs: {
        model: join(repoRoot, 'examples/serve/linear'),
        image: 'ghcr.io/octo-org/octo-repo/linear',
        'model-version': '1.4.0',
        builder: engine ? 'docker' : 'none',
        ...(engine ? { 'node-image': base, 'python-image': base } : {}),
        'smoke-requests': '60',
      },
      env: engine?.env ?? {},
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    const out = run.outputs;
    expect(out.tags.split('\n')).toEqual(['ghcr.io/octo-org/octo-repo/linear:1.4.0', 'ghcr.io/octo-org/octo-repo/linear:sha-0123456789ab']);
    expect(out['container-tested']).toBe(String(!!engine));
    for (const p of ['p50-ms', 'p95-ms', 'p99-ms']) expect(Number(out[p])).toBeGreaterThan(0);
    expect(Number(out['p50-ms'])).toBeLessThanOrEqual(Number(out['p99-ms']));
    expect(out.digest).toBe(''); // no registry to push to here

    const result = JSON.parse(readFileSync(out['result-file'], 'utf8'));
    expect(result.smoke.predictions).toEqual([2 * 1 - 0.5 * 2 + 1, 2 * 3.5 - 0.5 * -1 + 1]);
    expect(result.smoke.load).toMatchObject({ requests: 60, ok: 60, errors: 0 });
    expect(result.push).toMatchObject({ pushed: false, reason: 'push not requested' });
    if (engine) {
      expect(result.container).toMatchObject({ exercised: true, stopExitCode: 0 });
      // Node as PID 1 handles SIGTERM itself: docker stop does not wait out its 10 s grace period.
      expect(result.container.stopSeconds).toBeLessThan(8);
      expect(run.summary).toContain('Built and run with docker');
    } else {
      expect(result.container.reason).toMatch(/container step was NOT exercised/);
      expect(run.summary).toContain('Container step not exercised');
    }

    // The context holds only what serving needs.
    const ctx = out['context-dir'];
    expect(result.context.files).toEqual(
      expect.arrayContaining([
        'Dockerfile',
        '.dockerignore',
        'app/cli.js',
        'app/package.json',
        'model/predict.py',
        'model/input_example.json',
      ]),
    );
    expect(result.context.files.filter((f: string) => !/^(app\/|model\/|Dockerfile$|\.dockerignore$)/.test(f))).toEqual([]);
    expect(existsSync(join(ctx, 'requirements.txt'))).toBe(false);
    const dockerfile = readFileSync(join(ctx, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/^ARG PYTHON_IMAGE=python:3\.11-slim-bookworm@sha256:[0-9a-f]{64}$/m);
    expect(dockerfile).toMatch(/^USER 10001:10001$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK .*\/ping/m);
    expect(dockerfile).toContain('LABEL org.opencontainers.image.revision="0123456789abcdef0123456789abcdef01234567"');
  });

  it('builder none: container step NOT exercised (asked), the server runs from the context and the summary says so', async () => {
    const run = await runAction('build-serve-image', {
      inputs: { model: join(repoRoot, 'examples/serve/linear'), builder: 'none', 'smoke-requests': '20' },
    });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['container-tested']).toBe('false');
    expect(run.outputs.image).toBe('mlci-serve/linear:latest');
    expect(run.summary).toMatch(/\*\*Container step not exercised\*\*.*NOT exercised/);
    const result = JSON.parse(readFileSync(run.outputs['result-file'], 'utf8'));
    expect(result.smoke).toMatchObject({ target: 'server-from-context', predictions: [2, 8.5] });
  });

  it('fails with exit 1 and a clear message when the model has no input example', async () => {
    const run = await runAction('build-serve-image', { inputs: { model: join(repoRoot, 'examples/serve/flaky'), builder: 'none' } });
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/no input example to smoke-test the image with/);
  });
});
