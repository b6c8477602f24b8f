import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { WORKER_PY } from './worker-source';

it('the embedded worker source is python/worker.py (rerun scripts/embed-worker.mjs after editing it)', () => {
  expect(WORKER_PY).toBe(readFileSync(join(import.meta.dirname, '../python/worker.py'), 'utf8'));
});
