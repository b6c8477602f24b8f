import * as core from '@actions/core';
import { booleanInput, listInput, requiredInput, writeStepResult } from '@mlci/core/action';
import { loadDriftConfig } from './config';
import { checkDrift } from './drift';
import { driftMarkdown } from './render';

/** The distribution-check action: compare, summarise with charts, set outputs, fail on drift if asked. */
export async function runDriftAction(): Promise<void> {
  const data = requiredInput('data');
  const reference = requiredInput('reference');
  const columns = listInput('columns').flatMap((l) => l.split(',')).map((c) => c.trim()).filter(Boolean);
  const options = await loadDriftConfig(core.getInput('config') || undefined);
  if (columns.length) options.columns = columns;
  const target = core.getInput('target');
  if (target) options.target = { ...options.target, column: target };
  const result = await checkDrift({ data, reference, options });
  await core.summary.addRaw(driftMarkdown(result)).write();
  const file = await writeStepResult('drift', result);
  core.setOutput('outcome', result.outcome);
  core.setOutput('drift-share', String(result.driftShare));
  core.setOutput('drifted-columns', result.driftedColumns.join(','));
  core.setOutput('result-file', file);
  for (const c of result.columns.filter((x) => x.drifted)) core.warning(`column "${c.column}" drifted`, { title: 'mlci distribution-check', file: data });
  if (result.outcome === 'fail') {
    const message = `drift: ${result.driftedColumns.length} column(s) drifted (share ${result.driftShare})${result.target?.checks.some((t) => t.outcome === 'fail') ? ', target checks failed' : ''}`;
    if (booleanInput('fail-on-drift', true)) core.setFailed(message);
    else core.warning(message);
  }
}
