/**
 * The Actions results service as @actions/artifact 6.1 talks to it inside a job: the Twirp
 * `github.actions.results.api.v1.ArtifactService` (JSON, proto field names) plus the Azure Blob calls its
 * upload makes (Put Block with `comp=block`, Put Block List with `comp=blocklist`, or a single Put Blob) and
 * the plain GET its download makes on the signed URL. Blobs live in `state.blobs`, so artifacts uploaded here
 * show in the REST artifact list of their workflow run and download through it.
 *
 * Backend ids come from the runtime token's `scp` claim (`Actions.Results:<runBackendId>:<jobBackendId>`);
 * `runtimeToken(runId)` makes one for a run, and an unknown run backend id gets a new run on first use.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Answer, EmulatorRequest } from './http';
import type { ShapeContext } from './shapes';
import { addWorkflowRun, now, type EmulatorState } from './state';

export const ARTIFACT_SERVICE = 'github.actions.results.api.v1.ArtifactService';

interface Backend {
  runIds: Map<string, number>;
  staged: Map<string, Map<string, Buffer>>;
  jobOf: Map<number, string>;
}

function backend(state: EmulatorState): Backend {
  const s = state as EmulatorState & { actionsBackend?: Backend };
  return (s.actionsBackend ??= { runIds: new Map(), staged: new Map(), jobOf: new Map() });
}

const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** An (unsigned) runtime token for a run, as the runner hands a job in ACTIONS_RUNTIME_TOKEN. */
export function runtimeToken(state: EmulatorState, runId: number): string {
  const b = backend(state);
  let runBackendId = [...b.runIds].find(([, id]) => id === runId)?.[0];
  if (!runBackendId) {
    runBackendId = randomUUID();
    b.runIds.set(runBackendId, runId);
  }
  const job = randomUUID();
  const payload = {
    scp: `Actions.GenericRead:00000000-0000-0000-0000-000000000000 Actions.Results:${runBackendId}:${job}`,
    iss: 'emulator',
    exp: Math.floor(Date.now() / 1000) + 6 * 3600,
  };
  return `${b64url(JSON.stringify({ typ: 'JWT', alg: 'none' }))}.${b64url(JSON.stringify(payload))}.sig`;
}

function twirpError(status: number, code: string, msg: string): Answer {
  return { status, body: { code, msg } };
}

function runFor(ctx: ShapeContext, runBackendId: string): number {
  const b = backend(ctx.state);
  let runId = b.runIds.get(runBackendId);
  if (runId === undefined || !ctx.state.workflowRuns.some((r) => r.id === runId)) {
    runId = addWorkflowRun(ctx.state, runId === undefined ? {} : { id: runId }).id;
    b.runIds.set(runBackendId, runId);
  }
  return runId;
}

function monolith(ctx: ShapeContext, runBackendId: string, a: EmulatorState['artifacts'][number]) {
  return {
    workflow_run_backend_id: runBackendId,
    workflow_job_run_backend_id: backend(ctx.state).jobOf.get(a.id) ?? '',
    database_id: String(a.id),
    name: a.name,
    size: String(a.size),
    created_at: a.created_at,
    ...(a.digest ? { digest: a.digest } : {}),
  };
}

export function handleTwirp(method: string, req: EmulatorRequest, ctx: ShapeContext): Answer {
  const auth = String(req.headers.authorization ?? '');
  if (!/^Bearer \S+/.test(auth)) return twirpError(401, 'unauthenticated', 'missing or invalid runtime token');
  const body = (req.body ?? {}) as Record<string, any>;
  const runBackendId = String(body.workflow_run_backend_id ?? body.workflowRunBackendId ?? '');
  if (!runBackendId) return twirpError(400, 'invalid_argument', 'workflow_run_backend_id is required');
  const runId = runFor(ctx, runBackendId);
  const inRun = () => ctx.state.artifacts.filter((a) => a.runId === runId);
  const base = `${ctx.api}/_blobs`;
  switch (method) {
    case 'CreateArtifact': {
      const name = String(body.name ?? '');
      if (!name) return twirpError(400, 'invalid_argument', 'name is required');
      if (inRun().some((a) => a.finalized && a.name === name))
        return twirpError(409, 'already_exists', 'an artifact with this name already exists on the workflow run');
      ctx.state.artifacts = ctx.state.artifacts.filter((a) => !(a.runId === runId && a.name === name && !a.finalized));
      const id = ctx.state.nextId();
      const blob = `artifacts/artifact-${id}.zip`;
      const expires = body.expires_at
        ? String(body.expires_at)
        : new Date(Date.now() + 90 * 86400_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      ctx.state.artifacts.push({
        id,
        runId,
        name,
        blob,
        size: 0,
        digest: null,
        finalized: false,
        created_at: now(),
        expires_at: expires.replace(/\.\d+Z$/, 'Z'),
      });
      backend(ctx.state).jobOf.set(id, String(body.workflow_job_run_backend_id ?? ''));
      return { status: 200, body: { ok: true, signed_upload_url: `${base}/${blob}?sig=emulator-upload&se=2099-01-01` } };
    }
    case 'FinalizeArtifact': {
      const artifact = inRun().find((a) => !a.finalized && a.name === body.name);
      if (!artifact) return twirpError(404, 'not_found', `artifact ${String(body.name)} was not created`);
      const bytes = artifact.blob ? ctx.state.blobs.get(artifact.blob) : undefined;
      if (!bytes) return twirpError(400, 'failed_precondition', 'no blob was uploaded for this artifact');
      const digest = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
      const claimed = typeof body.hash === 'string' ? body.hash : body.hash?.value;
      if (claimed && claimed !== digest)
        return twirpError(400, 'invalid_argument', `hash mismatch: uploaded ${digest}, finalize says ${String(claimed)}`);
      artifact.size = bytes.length;
      artifact.digest = digest;
      artifact.finalized = true;
      return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
    }
    case 'ListArtifacts': {
      const nameFilter = typeof body.name_filter === 'string' ? body.name_filter : body.name_filter?.value;
      const idFilter =
        typeof body.id_filter === 'string' || typeof body.id_filter === 'number' ? String(body.id_filter) : body.id_filter?.value;
      const list = inRun().filter(
        (a) => a.finalized && (!nameFilter || a.name === nameFilter) && (!idFilter || String(a.id) === String(idFilter)),
      );
      return { status: 200, body: { artifacts: list.map((a) => monolith(ctx, runBackendId, a)) } };
    }
    case 'GetSignedArtifactURL': {
      const artifact = inRun().find((a) => a.finalized && a.name === body.name);
      if (!artifact?.blob) return twirpError(404, 'not_found', `artifact ${String(body.name)} not found`);
      return { status: 200, body: { signed_url: `${base}/${artifact.blob}?sig=emulator-download&se=2099-01-01` } };
    }
    case 'DeleteArtifact': {
      const artifact = inRun().find((a) => a.finalized && a.name === body.name);
      if (!artifact) return twirpError(404, 'not_found', `artifact ${String(body.name)} not found`);
      ctx.state.artifacts = ctx.state.artifacts.filter((a) => a !== artifact);
      if (artifact.blob) ctx.state.blobs.delete(artifact.blob);
      return { status: 200, body: { ok: true, artifact_id: String(artifact.id) } };
    }
    default:
      return twirpError(404, 'bad_route', `no handler for ${ARTIFACT_SERVICE}/${method}`);
  }
}

/** Blob storage: GET downloads, PUT is Azure's Put Blob / Put Block / Put Block List. */
export function handleBlob(key: string, req: EmulatorRequest, ctx: ShapeContext): Answer {
  const azure = { 'x-ms-request-id': randomUUID(), 'x-ms-version': '2024-11-04', date: new Date().toUTCString() };
  if (req.method === 'GET' || req.method === 'HEAD') {
    const bytes = ctx.state.blobs.get(key);
    if (!bytes)
      return {
        status: 404,
        bytes: Buffer.from('BlobNotFound'),
        headers: { 'content-type': 'text/plain', 'x-ms-error-code': 'BlobNotFound' },
      };
    const type = key.endsWith('.zip') ? 'application/zip' : 'application/octet-stream';
    const name = key.split('/').pop()!;
    return { status: 200, bytes, headers: { 'content-type': type, 'content-disposition': `attachment; filename=${name}`, ...azure } };
  }
  if (req.method !== 'PUT') return { status: 405, bytes: Buffer.alloc(0) };
  const staged = backend(ctx.state).staged;
  const etag = `"0x${createHash('md5').update(req.raw).digest('hex').slice(0, 15).toUpperCase()}"`;
  const done = { ...azure, etag, 'last-modified': new Date().toUTCString(), 'x-ms-request-server-encrypted': 'true' };
  const comp = req.query.comp;
  if (comp === 'block') {
    const blockId = req.query.blockid ?? '';
    const blocks = staged.get(key) ?? new Map<string, Buffer>();
    blocks.set(blockId, req.raw);
    staged.set(key, blocks);
    return {
      status: 201,
      bytes: Buffer.alloc(0),
      headers: { ...azure, 'content-md5': createHash('md5').update(req.raw).digest('base64') },
    };
  }
  if (comp === 'blocklist') {
    const ids = [...req.raw.toString('utf8').matchAll(/<(?:Latest|Uncommitted|Committed)>([^<]*)<\//g)].map((m) => m[1]!);
    const blocks = staged.get(key) ?? new Map<string, Buffer>();
    const missing = ids.filter((id) => !blocks.has(id));
    if (missing.length) return { status: 400, bytes: Buffer.from('InvalidBlockList'), headers: { 'x-ms-error-code': 'InvalidBlockList' } };
    ctx.state.blobs.set(key, Buffer.concat(ids.map((id) => blocks.get(id)!)));
    staged.delete(key);
    return { status: 201, bytes: Buffer.alloc(0), headers: done };
  }
  ctx.state.blobs.set(key, req.raw);
  return { status: 201, bytes: Buffer.alloc(0), headers: done };
}
