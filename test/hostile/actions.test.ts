/**
 * Hostile rows of the action bodies (issue #12): what a step reads that it did not write itself (the event
 * payload at GITHUB_EVENT_PATH, the `command` input, an earlier step's train.json) is refused naming the file or
 * input with a hint: the step fails (exit 1, as a runner expects) with the MlciError's message, never an
 * "internal error" with a stack trace, and nothing is recorded or registered. Runs the bundled actions.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction, type ActionRun, type ActionRunOptions } from '../harness/runner';
import { freshProject } from '../tracking/fixtures';
import { expectCleanRefusal, expectNoRunningRun, filesUnder, type HostileRun } from './harness';

/** Far above any honest refusal (they take well under a second), below vitest's limit: a hang fails the case. */
const CEILING_MS = 60_000;

async function step(name: string, options: ActionRunOptions): Promise<ActionRun & HostileRun> {
  const started = Date.now();
  const run = await runAction(name, options);
  return { ...run, timedOut: Date.now() - started > CEILING_MS };
}

describe('action bodies: hostile inputs', () => {
  it('promote-model with a GITHUB_EVENT_PATH that is not JSON: the payload file named, nothing registered', async () => {
    const workspace = await freshProject({}, false);
    const event = join(workspace, 'event.json');
    await writeFile(event, 'garbage\u0000{"release": ');
    const before = await filesUnder(workspace);
    const run = await step('promote-model', {
      workspace,
      eventName: 'release',
      inputs: { name: 'model', run: 'latest', backend: 'local' },
      env: { GITHUB_EVENT_PATH: event },
    });
    expectCleanRefusal(run, { exit: 1, names: [event, 'event payload is not JSON', 'GITHUB_EVENT_PATH must name the webhook payload'] });
    expect(await filesUnder(workspace)).toEqual(before);
  });

  it('promote-model with a payload that is JSON but not an object: refused as such', async () => {
    const workspace = await freshProject({}, false);
    const event = join(workspace, 'event.json');
    await writeFile(event, '[{"release": {"tag_name": "v1"}}]');
    const run = await step('promote-model', {
      workspace,
      eventName: 'release',
      inputs: { name: 'model', run: 'latest', backend: 'local' },
      env: { GITHUB_EVENT_PATH: event },
    });
    expectCleanRefusal(run, { exit: 1, names: [event, 'event payload is not a JSON object (got a list)'] });
    expect(await filesUnder(join(workspace, '.mlci'))).toEqual([]);
  });

  it('train-and-log with a YAML tag in `command` (the one YAML policy): refused before any run is recorded', async () => {
    const workspace = await freshProject({}, false);
    const run = await step('train-and-log', {
      workspace,
      inputs: { command: '[!!python/object/apply:os.system ["touch pwned"], train.py]', 'system-metrics-interval': '0' },
    });
    expectCleanRefusal(run, { exit: 1, names: ['input "command" looks like a YAML list but does not parse', 'tag'] });
    expect(await filesUnder(join(workspace, '.mlci'))).toEqual([]);
    await expectNoRunningRun(workspace);
  });

  it("overfit-gate over a train.json whose points are not objects: the file named, no crash on the gate's side", async () => {
    const workspace = await freshProject({}, false);
    const runnerTemp = join(workspace, 'runner');
    const results = join(runnerTemp, 'mlci', 'results');
    await mkdir(results, { recursive: true });
    await writeFile(join(results, 'train.json'), JSON.stringify({ id: 'r'.repeat(32), metrics: { loss: [null, 7] } }));
    const run = await step('overfit-gate', { workspace, env: { RUNNER_TEMP: runnerTemp }, inputs: { assertions: 'loss < 1' } });
    expectCleanRefusal(run, { exit: 1, names: [join(results, 'train.json'), 'metric "loss" is not a list of points'] });
    expect(await filesUnder(results)).toEqual(['train.json']);
  });
});
