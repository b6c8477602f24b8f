/**
 * A stand-in for the GitHub REST endpoints the registry uses (releases, release assets, git refs, tag objects),
 * used until the shared emulator (test/github-emulator) lands. Same shape as the emulator: {url, state, faults,
 * stop}. Behaviour mirrors GitHub's where the registry depends on it: drafts carry no tag; publishing creates
 * the tag and fails with 422 when a published release already holds it; creating an existing ref is a 422;
 * asset downloads answer 302 to a storage URL; writes need the write token.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';

export interface FakeAsset { id: number; name: string; bytes: Buffer; releaseId: number }
export interface FakeRelease { id: number; tag_name: string; draft: boolean; target_commitish: string; body: string; name: string }
export interface FakeState {
  releases: FakeRelease[];
  assets: FakeAsset[];
  refs: Map<string, { sha: string; type: 'commit' | 'tag' }>;
  tagObjects: Map<string, { tag: string; message: string; object: { sha: string; type: string } }>;
}
export interface FakeFaults {
  /** Upload requests for asset names this returns true for answer 500. */
  failUpload?: (name: string) => boolean;
  /** Called before a ref is created (lets a test interleave two promotions). */
  beforeCreateRef?: (ref: string) => Promise<void>;
}

const OWNER_REPO = '/repos/octo-org/octo-repo';
export const MAIN_SHA = 'a1b2c3d4'.repeat(5);

export async function startFakeGitHub() {
  const state: FakeState = { releases: [], assets: [], refs: new Map([['refs/heads/main', { sha: MAIN_SHA, type: 'commit' }]]), tagObjects: new Map() };
  const faults: FakeFaults = {};
  let nextId = 1;
  let url = '';
  const releaseJson = (r: FakeRelease) => ({
    ...r,
    html_url: `https://github.com/octo-org/octo-repo/releases/${r.draft ? `untagged-${r.id}` : `tag/${encodeURIComponent(r.tag_name)}`}`,
    upload_url: `${url}/uploads${OWNER_REPO}/releases/${r.id}/assets{?name,label}`,
    assets: state.assets.filter((a) => a.releaseId === r.id).map((a) => ({ id: a.id, name: a.name, size: a.bytes.length, state: 'uploaded', digest: `sha256:${createHash('sha256').update(a.bytes).digest('hex')}` })),
  });
  const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const u = new URL(req.url!, 'http://x');
    const path = decodeURIComponent(u.pathname);
    const method = req.method!;
    const body = () => JSON.parse(raw.toString() || '{}');
    const auth = req.headers.authorization ?? '';
    const write = method !== 'GET';
    if (!path.startsWith('/download/')) {
      if (!/ghs_test_(write|read)/.test(auth)) return send(res, 401, { message: 'Bad credentials' });
      if (write && !auth.includes('ghs_test_write')) return send(res, 403, { message: 'Resource not accessible by integration' });
    }
    let m: RegExpExecArray | null;
    if (method === 'GET' && path === `${OWNER_REPO}/releases`) return send(res, 200, [...state.releases].reverse().map(releaseJson));
    if (method === 'POST' && path === `${OWNER_REPO}/releases`) {
      const b = body();
      const r: FakeRelease = { id: nextId++, tag_name: b.tag_name, draft: Boolean(b.draft), target_commitish: b.target_commitish ?? 'main', body: b.body ?? '', name: b.name ?? b.tag_name };
      if (!r.draft) return send(res, 422, { message: 'this fake only creates drafts' });
      state.releases.push(r);
      return send(res, 201, releaseJson(r));
    }
    if ((m = new RegExp(`^${OWNER_REPO}/releases/(\\d+)$`).exec(path))) {
      const r = state.releases.find((x) => x.id === Number(m![1]));
      if (!r) return send(res, 404, { message: 'Not Found' });
      if (method === 'GET') return send(res, 200, releaseJson(r));
      if (method === 'DELETE') {
        state.releases = state.releases.filter((x) => x !== r);
        return send(res, 204);
      }
      if (method === 'PATCH') {
        const b = body();
        if (b.draft === false && r.draft) {
          const tagRef = `refs/tags/${r.tag_name}`;
          const published = state.releases.find((x) => x.tag_name === r.tag_name && !x.draft);
          if (published) return send(res, 422, { message: 'Validation Failed', errors: [{ code: 'already_exists', field: 'tag_name' }] });
          const commit = /^[0-9a-f]{40}$/.test(r.target_commitish) ? r.target_commitish : MAIN_SHA;
          const existing = state.refs.get(tagRef);
          if (!existing) state.refs.set(tagRef, { sha: commit, type: 'commit' });
          r.draft = false;
        }
        return send(res, 200, releaseJson(r));
      }
    }
    if (method === 'GET' && (m = new RegExp(`^${OWNER_REPO}/releases/tags/(.+)$`).exec(path))) {
      const r = state.releases.find((x) => x.tag_name === m![1] && !x.draft);
      return r ? send(res, 200, releaseJson(r)) : send(res, 404, { message: 'Not Found' });
    }
    if (method === 'POST' && (m = new RegExp(`^/uploads${OWNER_REPO}/releases/(\\d+)/assets$`).exec(path))) {
      const name = u.searchParams.get('name') ?? '';
      if (faults.failUpload?.(name)) return send(res, 500, { message: 'injected upload failure' });
      const r = state.releases.find((x) => x.id === Number(m![1]));
      if (!r) return send(res, 404, { message: 'Not Found' });
      if (!r.draft) return send(res, 422, { message: 'Cannot upload assets to an immutable release.' });
      if (state.assets.some((a) => a.releaseId === r.id && a.name === name)) return send(res, 422, { message: 'already_exists' });
      const a: FakeAsset = { id: nextId++, name, bytes: raw, releaseId: r.id };
      state.assets.push(a);
      return send(res, 201, releaseJson(r).assets.find((x) => x.id === a.id));
    }
    if (method === 'GET' && (m = new RegExp(`^${OWNER_REPO}/releases/assets/(\\d+)$`).exec(path))) {
      const a = state.assets.find((x) => x.id === Number(m![1]));
      if (!a) return send(res, 404, { message: 'Not Found' });
      if (req.headers.accept === 'application/octet-stream') return send(res, 302, undefined, { location: `${url}/download/${a.id}` });
      return send(res, 200, { id: a.id, name: a.name, size: a.bytes.length });
    }
    if (method === 'GET' && (m = /^\/download\/(\d+)$/.exec(path))) {
      const a = state.assets.find((x) => x.id === Number(m![1]));
      if (!a) return send(res, 404, { message: 'Not Found' });
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      return res.end(a.bytes);
    }
    if (method === 'GET' && (m = new RegExp(`^${OWNER_REPO}/git/matching-refs/(.*)$`).exec(path))) {
      const prefix = `refs/${m[1]}`;
      return send(res, 200, [...state.refs].filter(([k]) => k.startsWith(prefix)).sort().map(([ref, o]) => ({ ref, object: o })));
    }
    if (method === 'POST' && path === `${OWNER_REPO}/git/refs`) {
      const b = body();
      await faults.beforeCreateRef?.(b.ref);
      if (state.refs.has(b.ref)) return send(res, 422, { message: 'Reference already exists' });
      const type = state.tagObjects.has(b.sha) ? 'tag' : 'commit';
      state.refs.set(b.ref, { sha: b.sha, type });
      return send(res, 201, { ref: b.ref, object: { sha: b.sha, type } });
    }
    if (method === 'POST' && path === `${OWNER_REPO}/git/tags`) {
      const b = body();
      const sha = randomBytes(20).toString('hex');
      state.tagObjects.set(sha, { tag: b.tag, message: b.message, object: { sha: b.object, type: b.type } });
      return send(res, 201, { sha, tag: b.tag, message: b.message, object: { sha: b.object, type: b.type } });
    }
    if (method === 'GET' && (m = new RegExp(`^${OWNER_REPO}/git/tags/([0-9a-f]{40})$`).exec(path))) {
      const t = state.tagObjects.get(m[1]);
      return t ? send(res, 200, { sha: m[1], ...t }) : send(res, 404, { message: 'Not Found' });
    }
    return send(res, 404, { message: `fake GitHub has no route ${method} ${path}` });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return { url, state, faults, stop: () => new Promise<void>((done) => server.close(() => done())) };
}
