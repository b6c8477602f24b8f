/**
 * scripts/action-permissions.json (the Permissions section of docs/actions/*.md) checked against what the
 * actions do: each action runs against the GitHub emulator in the modes that need a permission, every REST
 * call it makes is mapped to its scope by core's permissionFor(), and the union per action must be what the
 * table declares: nothing used beyond it, and no write declared that no mode uses (except the scopes named
 * in NOT_REST, which go to services the emulator does not play).
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { permissionFor } from '@mlci/core/github';
import { startEmulator, type Emulator } from '../github-emulator/index';
import { repoRoot, runAction } from '../harness/runner';
import { newCommit, registryEnv } from '../registry/emulator';
import { freshProject, recordRun } from '../registry/fixtures';

type Level = 'read' | 'write';
const RANK: Record<Level, number> = { read: 1, write: 2 };
const table = JSON.parse(readFileSync(join(repoRoot, 'scripts/action-permissions.json'), 'utf8')) as Record<string, Record<string, string>>;
const declared = (action: string, scope: string): Level | undefined => table[action]?.[scope]?.split(' ')[0] as Level | undefined;
/** Scopes used through services other than the REST API (GHCR's registry, the OIDC token, attestations). */
const NOT_REST: Record<string, string[]> = { 'build-serve-image': ['packages', 'id-token', 'attestations'] };

/** scope → highest level needed, per action, from every scenario run so far. */
const used = new Map<string, Map<string, Level>>();
let gh: Emulator;

/** Runs `action` and records the scope of each REST call it made (permissionFor, as the workflow tests use it). */
async function recorded(action: string, options: Parameters<typeof runAction>[1]) {
  const from = gh.requests.length;
  const result = await runAction(action, options);
  const scopes = used.get(action) ?? new Map<string, Level>();
  for (const r of gh.requests.slice(from)) {
    if (!r.operationId) continue; // the artifact service takes the runtime token, not GITHUB_TOKEN
    const needed = permissionFor(r.method, `${gh.url}${r.path}`);
    if (!needed) continue; // metadata: read, always granted
    const [scope, level] = needed.split(': ') as [string, Level];
    if (!scopes.has(scope) || RANK[level] > RANK[scopes.get(scope)!]) scopes.set(scope, level);
  }
  used.set(action, scopes);
  return result;
}
const jobEnv = () => ({ ...gh.jobEnv(), MLCI_GITHUB_PACE_WRITES: 'false' });

beforeAll(async () => {
  gh = await startEmulator();
});
afterAll(async () => {
  await gh?.stop();
});

describe('what each action does with the token', () => {
  it('distribution-check: no call for a file reference; monitor mode writes the issue and dispatches retraining', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-perm-drift-'));
    const reference = readFileSync(join(repoRoot, 'examples/iris/data/reference.csv'), 'utf8');
    const [header, ...rows] = reference.trim().split('\n');
    const shifted = rows.map((r) =>
      r
        .split(',')
        .map((v, i) => (i >= 1 && i <= 3 ? (Number(v) * 1.6).toFixed(2) : v))
        .join(','),
    );
    writeFileSync(join(workspace, 'reference.csv'), reference);
    writeFileSync(join(workspace, 'production.csv'), [header, ...shifted].join('\n') + '\n');
    const base = { data: 'production.csv', reference: 'reference.csv', 'fail-on-drift': 'false' };
    const plain = await recorded('distribution-check', { workspace, eventName: 'schedule', env: jobEnv(), inputs: base });
    expect(plain.exitCode, plain.stdout + plain.stderr).toBe(0);
    expect(used.get('distribution-check')!.size).toBe(0);
    const monitor = await recorded('distribution-check', {
      workspace,
      eventName: 'schedule',
      env: jobEnv(),
      inputs: { ...base, 'github-token': 'ghs_test_write', 'issue-title': 'Data drift', 'dispatch-workflow': 'retrain.yml' },
    });
    expect(monitor.exitCode, monitor.stdout + monitor.stderr).toBe(0);
    expect(monitor.outputs['issue-action'], JSON.stringify(monitor.outputs) + monitor.stdout.slice(-1500)).toBe('opened');
    expect(Object.fromEntries(used.get('distribution-check')!)).toMatchObject({ issues: 'write', actions: 'write' });
  }, 120_000);

  it('train-and-log: snapshot: release stores the dataset on a release (contents: write)', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-perm-train-'));
    writeFileSync(join(workspace, 'data.csv'), 'a,b\n1,2\n');
    writeFileSync(join(workspace, 'train.mjs'), "console.log('trained')\n");
    const inputs = {
      command: `["${process.execPath}", "train.mjs"]`,
      data: 'data.csv',
      snapshot: 'release',
      'system-metrics-interval': '0',
    };
    const run = await recorded('train-and-log', { workspace, env: jobEnv(), inputs });
    expect(run.exitCode, run.stdout + run.stderr).toBe(0);
    expect(run.outputs['datasets-released']).toBe('1');
    expect(used.get('train-and-log')!.get('contents')).toBe('write');
  }, 120_000);

  it('promote-model: the release and the alias tag (contents: write)', async () => {
    const { dir, store } = await freshProject();
    const run = await recordRun(store, { content: 'perm', accuracy: 0.8, commit: newCommit(gh, 'train') });
    const result = await recorded('promote-model', {
      workspace: dir,
      eventName: 'workflow_dispatch',
      env: registryEnv(gh),
      inputs: { name: 'iris', run: run.id, 'github-token': 'ghs_test_write' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(used.get('promote-model')!.get('contents')).toBe('write');
  }, 120_000);

  it('data-schema-validate: no call at all', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'mlci-perm-validate-'));
    writeFileSync(join(workspace, 'data.csv'), 'a\n1\n');
    writeFileSync(join(workspace, 'schema.json'), JSON.stringify({ fields: [{ name: 'a', type: 'integer' }] }));
    const result = await recorded('data-schema-validate', {
      workspace,
      env: jobEnv(),
      inputs: { data: 'data.csv', schema: 'schema.json' },
    });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    expect(used.get('data-schema-validate')!.size).toBe(0);
  }, 60_000);
});

describe('scripts/action-permissions.json', () => {
  it('covers every call each action made, at the level it needed', () => {
    const missing: string[] = [];
    for (const [action, scopes] of used) {
      for (const [scope, level] of scopes) {
        const has = declared(action, scope);
        if (!has || RANK[has] < RANK[level]) missing.push(`${action}: ${scope}: ${level} (declared ${has ?? 'nothing'})`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('declares no write for these actions that none of their modes used', () => {
    const unused: string[] = [];
    for (const [action, scopes] of used) {
      for (const scope of Object.keys(table[action] ?? {})) {
        if (declared(action, scope) === 'write' && scopes.get(scope) !== 'write' && !(NOT_REST[action] ?? []).includes(scope))
          unused.push(`${action}: ${scope}: write`);
      }
    }
    expect(unused).toEqual([]);
  });

  it('has an entry for every action, with levels only read or write', () => {
    const actions = ['pipeline', ...readdirActions()];
    expect(Object.keys(table).sort()).toEqual(actions.sort());
    for (const [action, scopes] of Object.entries(table))
      for (const [scope, text] of Object.entries(scopes)) expect(['read', 'write'], `${action} ${scope}`).toContain(text.split(' ')[0]);
  });
});

const readdirActions = () => readdirSync(join(repoRoot, 'actions')).filter((n) => existsSync(join(repoRoot, 'actions', n, 'action.yml')));
