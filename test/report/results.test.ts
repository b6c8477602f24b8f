// The report built from a job's results directory: known steps get their sections, unknown steps a
// generic one, unreadable files are skipped with a warning, the pipeline aggregate is not repeated.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sectionsFromResults } from '@mlci/report';

describe('sectionsFromResults', () => {
  it('orders sections as a reviewer reads them and survives bad files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mlci-results-'));
    await writeFile(
      join(dir, 'gate.json'),
      JSON.stringify({ outcome: 'fail', assertions: [{ expression: 'a < b', evaluated: '2 < 1', passed: false }] }),
    );
    await writeFile(join(dir, 'validate.json'), JSON.stringify({ outcome: 'pass', file: 'd.csv', rows: 3, totals: { total: 0 } }));
    await writeFile(join(dir, 'serve-smoke.json'), JSON.stringify({ outcome: 'pass', summary: 'served 3 requests' }));
    await writeFile(join(dir, 'pipeline.json'), JSON.stringify({ outcome: 'fail' }));
    await writeFile(join(dir, 'drift.json'), '{not json');
    await writeFile(join(dir, 'Bad Name.json'), '{}');
    const warnings: string[] = [];
    const sections = await sectionsFromResults(dir, (m) => warnings.push(m));
    expect(sections.map((s) => [s.id, s.outcome])).toEqual([
      ['validate', 'pass'],
      ['gate', 'fail'],
      ['serve-smoke', 'pass'],
    ]);
    expect(sections[2].headline).toBe('served 3 requests');
    expect(warnings).toEqual([expect.stringMatching(/^skipped drift\.json in the report/)]);
    expect(await sectionsFromResults(join(dir, 'absent'))).toEqual([]);
  });
});
