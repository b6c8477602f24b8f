/** Terminal views of runs: a run list and one run with Unicode sparkline curves of its metrics. */
import { sparkline } from '@mlci/core';
import type { ChildRun, MetricPoint, RunRecord } from '@mlci/store';

const fmt = (n: number) => (!Number.isFinite(n) ? String(n) : Number.isInteger(n) ? String(n) : Number(n.toPrecision(4)).toString());
const finite = (values: number[]) => values.filter(Number.isFinite);
const minOf = (values: number[]) => (finite(values).length ? Math.min(...finite(values)) : NaN);
const maxOf = (values: number[]) => (finite(values).length ? Math.max(...finite(values)) : NaN);
const finiteOrDash = (n: number) => (Number.isNaN(n) ? '-' : fmt(n));
const time = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19));
const duration = (r: Pick<RunRecord, 'startTime' | 'endTime'>) =>
  r.endTime === null ? 'running' : `${((r.endTime - r.startTime) / 1000).toFixed(1)}s`;
const byStep = (points: MetricPoint[]) => [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);

/**
 * The runs of one record as a tree: the record's run, then its child runs under their parents (a nested run
 * under the run named by its `mlflow.parentRunId`, a later top-level run beside the first one), depth first.
 */
export function runTree(record: Pick<RunRecord, 'id' | 'children'>): Array<{ run: ChildRun | null; depth: number }> {
  const children = record.children ?? [];
  const ids = new Set([record.id, ...children.map((c) => c.id)]);
  const parentOf = (c: ChildRun) => {
    const parent = c.tags['mlflow.parentRunId'];
    return parent && ids.has(parent) && parent !== c.id ? parent : null;
  };
  const out: Array<{ run: ChildRun | null; depth: number }> = [];
  const seen = new Set<string>();
  const visit = (id: string, run: ChildRun | null, depth: number) => {
    if (seen.has(id)) return; // a parent link that loops is shown once
    seen.add(id);
    out.push({ run, depth });
    for (const c of children) if (parentOf(c) === id) visit(c.id, c, depth + 1);
  };
  visit(record.id, null, 0);
  for (const c of children) if (!parentOf(c)) visit(c.id, c, 0); // later top-level runs
  for (const c of children) visit(c.id, c, 0); // whatever a loop left unreached
  return out;
}

/** A child run seen as a run of its own (`mlci show CHILD`): the parent's command and lineage. */
export function childAsRecord(parent: RunRecord, child: ChildRun): RunRecord {
  const { children: _, ...rest } = parent;
  return { ...rest, ...child, exitCode: null };
}

export function formatRunList(runs: RunRecord[]): string {
  if (!runs.length) return 'no runs yet: record one with `mlci train -- COMMAND`';
  const row = (r: Pick<RunRecord, 'id' | 'status' | 'startTime' | 'endTime' | 'name' | 'metrics' | 'deleted'>, indent: string) => {
    const main = Object.entries(r.metrics)
      .filter(([k, p]) => !k.startsWith('system/') && p.length)
      .slice(0, 3)
      .map(([k, p]) => `${k}=${fmt(p[p.length - 1].value)}`)
      .join(' ');
    return [r.id.slice(0, 8), r.status, time(r.startTime), duration(r), indent + r.name + (r.deleted ? ' (deleted)' : ''), main];
  };
  const rows = runs.flatMap((r) => runTree(r).map(({ run, depth }) => (run ? row(run, `${'  '.repeat(depth)}└ `) : row(r, ''))));
  const header = ['ID', 'STATUS', 'STARTED (UTC)', 'TIME', 'NAME', 'METRICS (last)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows].map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]))).join('  ')).join('\n');
}

export function formatRun(r: RunRecord): string {
  const lines = [
    `run ${r.id}  ${r.name}${r.deleted ? '  (deleted by the script)' : ''}`,
    `  status     ${r.status}${r.exitCode !== null ? ` (exit ${r.exitCode})` : r.tags['mlci.signal'] ? ` (${r.tags['mlci.signal']})` : ''}`,
    `  experiment ${r.experiment}`,
    `  started    ${time(r.startTime)} UTC, ${duration(r)}`,
    `  command    ${r.command.map((a) => (/[\s"'\\]/.test(a) ? JSON.stringify(a) : a)).join(' ')}`,
    `  git        ${r.lineage.git.commit ? `${r.lineage.git.commit.slice(0, 12)}${r.lineage.git.branch ? ` (${r.lineage.git.branch})` : ''}${r.lineage.git.dirty ? ' dirty' : ''}` : 'not a git repository'}`,
  ];
  if (r.lineage.datasets.length) {
    lines.push('', 'datasets');
    for (const d of r.lineage.datasets)
      lines.push(
        `  ${d.path}${d.kind === 'directory' ? `/ (${d.files} files)` : ''}  sha256 ${d.sha256.slice(0, 12)}  dvc ${d.dvcHash ?? 'md5'} ${d.dvcMd5 ?? '-'}` +
          `${d.dvc?.status === 'modified' ? `  (modified since ${d.dvc.file}: DVC recorded ${d.dvc.md5})` : ''}${d.snapshot ? '  (snapshot)' : ''}`,
      );
  }
  const params = Object.entries(r.params);
  if (params.length) {
    lines.push('', 'params');
    const w = Math.max(...params.map(([k]) => k.length));
    for (const [k, v] of params) lines.push(`  ${k.padEnd(w)}  ${v}`);
  }
  const metrics = Object.entries(r.metrics).filter(([, p]) => p.length);
  if (metrics.length) {
    lines.push('', 'metrics                                  last        min        max   steps  curve');
    for (const [k, points] of metrics.sort(
      ([a], [b]) => Number(a.startsWith('system/')) - Number(b.startsWith('system/')) || (a < b ? -1 : 1),
    )) {
      const values = byStep(points).map((p) => p.value);
      const diverged = values.some((v) => !Number.isFinite(v))
        ? `  (${values.filter((v) => !Number.isFinite(v)).length} non-finite: diverged)`
        : '';
      lines.push(
        `  ${k.padEnd(36).slice(0, Math.max(36, k.length))} ${fmt(values[values.length - 1]).padStart(10)} ${finiteOrDash(minOf(values)).padStart(10)} ${finiteOrDash(maxOf(values)).padStart(10)} ${String(values.length).padStart(7)}  ${values.length > 1 ? sparkline(values) : ''}${diverged}`,
      );
    }
  }
  const tree = runTree(r).filter((t) => t.run);
  if (tree.length) {
    lines.push('', 'child runs (nested runs under their parent; the first run above is the one gates and comparisons use)');
    for (const { run, depth } of tree) {
      const c = run!;
      const last = Object.entries(c.metrics)
        .filter(([k, p]) => !k.startsWith('system/') && p.length)
        .slice(0, 3)
        .map(([k, p]) => `${k}=${fmt(p[p.length - 1].value)}`)
        .join(' ');
      lines.push(
        `  ${'  '.repeat(depth)}└ ${c.id.slice(0, 8)}  ${c.status}  ${c.name}${c.deleted ? ' (deleted)' : ''}${last ? `  ${last}` : ''}`,
      );
    }
  }
  if (r.inputs?.length) {
    lines.push('', 'inputs (mlflow.log_input)');
    for (const i of r.inputs) {
      const context = i.tags['mlflow.data.context'];
      const link = i.lineage ? `  = ${i.lineage.path} (by ${i.lineage.by})` : '';
      lines.push(`  ${i.name}  digest ${i.digest}  ${i.sourceType}${context ? `  ${context}` : ''}${link}`);
    }
  }
  if (r.loggedModels?.length) {
    lines.push('', 'logged models');
    for (const m of r.loggedModels)
      lines.push(
        `  ${m.id}  ${m.name}  ${m.status.replace(/^LOGGED_MODEL_/, '')}${m.deleted ? ' (deleted)' : ''}  ${m.artifacts.length} files  ${m.metrics.length} metric values`,
      );
  }
  if (r.artifacts.length) {
    lines.push('', 'artifacts');
    for (const a of r.artifacts) lines.push(`  ${a.path}  ${a.size} B  ${a.sha256.slice(0, 12)}`);
  }
  return lines.join('\n');
}
