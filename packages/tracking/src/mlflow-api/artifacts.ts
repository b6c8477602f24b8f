/** MLflow's artifact proxy (`/api/2.0/mlflow-artifacts/artifacts`): uploads go to mlci's content-addressed store. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { noEndpoint, notFound, reply, safeArtifactPath } from './protocol';
import type { MlflowState } from './state';

export const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts';

export async function serveArtifacts(
  state: MlflowState,
  req: IncomingMessage,
  res: ServerResponse,
  rawPath: string,
  url: URL,
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method === 'GET' && !rawPath) {
    const path = safeArtifactPath(url.searchParams.get('path') ?? '');
    // Paths in the listing are relative to the listed directory, as MLflow's artifact server returns them.
    const files = state.list(path).map((f) => ({ ...f, path: f.path.split('/').pop()! }));
    return reply(res, 200, { files });
  }
  const path = safeArtifactPath(decodeURIComponent(rawPath));
  if (method === 'PUT') {
    const upload = state.store.putBlob({ stream: req });
    state.pending.add(upload);
    const blob = await upload.finally(() => state.pending.delete(upload));
    state.files.set(path, { sha256: blob.sha256, size: blob.size });
    const owner = /^[^/]+\/([0-9a-f]{32})\/artifacts\/(.+)$/.exec(path);
    if (owner) state.runs.get(owner[1])?.collector.addArtifact({ path: owner[2], sha256: blob.sha256, size: blob.size });
    return reply(res, 200, {});
  }
  if (method === 'GET') {
    const file = state.files.get(path);
    if (!file) throw notFound(`File ${path} not found`);
    const bytes = await state.store.getBlob(file.sha256);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
    return void res.end(bytes);
  }
  if (method === 'DELETE') {
    state.files.delete(path);
    return reply(res, 200, {});
  }
  throw noEndpoint(method, `${ARTIFACTS}/${rawPath}`);
}
