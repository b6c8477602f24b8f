/**
 * Did the script send its MLflow runs somewhere else than mlci's endpoint? A hard-coded
 * `mlflow.set_tracking_uri("sqlite:///mlflow.db")`, or an `MLFLOW_TRACKING_URI` the script sets itself, wins
 * over the one mlci gives it, and the run is then recorded with nothing in it. Judged after the command from
 * what it left: the lines of its Python sources that point MLflow elsewhere, and MLflow stores (`mlruns/`, a
 * SQLite file) written in its working directory during the run.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, isAbsolute, join } from 'node:path';

export interface EscapeCheck {
  /** The command's argv: the Python files named in it are read. */
  command: string[];
  /** The command's working directory. */
  cwd: string;
  /** When the command started (ms since the epoch): files changed since then were written by it. */
  startTime: number;
  /** Whether the script created any run on mlci's endpoint. */
  sawRuns: boolean;
}

export interface Escape {
  /** `file:line: text` of each source line that points MLflow elsewhere (at most 5). */
  lines: string[];
  /** MLflow stores written in the working directory during the run (`mlruns/`, `mlflow.db`). */
  stores: string[];
  /** One line for the log and the `mlci.tracking.escaped` tag. */
  summary: string;
}

/** `set_tracking_uri(...)`, or MLFLOW_TRACKING_URI assigned through os.environ / putenv. */
const POINTS_ELSEWHERE =
  /\bset_tracking_uri\s*\(|\bMLFLOW_TRACKING_URI\b["']\s*\]\s*=|(?:setdefault|putenv|update)\s*\(\s*(?:\{\s*)?["']MLFLOW_TRACKING_URI["']/;
/** The script handing mlci's own URI back to MLflow is not an escape. */
const KEEPS_OURS =
  /set_tracking_uri\s*\(\s*os\.(?:environ\s*\[\s*["']MLFLOW_TRACKING_URI["']\s*\]|environ\.get\s*\(\s*["']MLFLOW_TRACKING_URI["']|getenv\s*\(\s*["']MLFLOW_TRACKING_URI["'])/;
const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

async function sourceLines(check: EscapeCheck): Promise<string[]> {
  const found: string[] = [];
  for (const arg of check.command.slice(1).filter((a) => /\.py$/i.test(a))) {
    const path = isAbsolute(arg) ? arg : join(check.cwd, arg);
    const info = await stat(path).catch(() => null);
    if (!info?.isFile() || info.size > MAX_SOURCE_BYTES) continue;
    const text = await readFile(path, 'utf8').catch(() => '');
    text.split(/\r?\n/).forEach((line, i) => {
      const code = line.replace(/#.*$/, '');
      if (POINTS_ELSEWHERE.test(code) && !KEEPS_OURS.test(code) && found.length < 5)
        found.push(`${basename(arg)}:${i + 1}: ${line.trim().slice(0, 160)}`);
    });
  }
  return found;
}

/** MLflow's local stores, when the command wrote them during the run. */
async function storesWritten(check: EscapeCheck): Promise<string[]> {
  const names = await readdir(check.cwd).catch(() => [] as string[]);
  const written: string[] = [];
  for (const name of names) {
    if (name !== 'mlruns' && !/\.(db|sqlite3?)$/i.test(name)) continue;
    const path = join(check.cwd, name);
    const info = await stat(path).catch(() => null);
    if (!info || info.mtimeMs < check.startTime - 1000) continue;
    if (info.isDirectory()) {
      if (name === 'mlruns') written.push('mlruns/');
      continue;
    }
    // Only a SQLite file that holds MLflow's tables: an application's own database is not an MLflow store.
    const head = await readFile(path).then(
      (b) => b.subarray(0, 1 << 20).toString('latin1'),
      () => '',
    );
    if (head.startsWith('SQLite format 3') && /CREATE TABLE experiments|alembic_version/.test(head)) written.push(name);
  }
  return written;
}

/**
 * The escape, or null when the script logged to mlci (or did not use MLflow at all). A source line alone is
 * not enough while runs reached mlci (the script may set the URI to mlci's own); a store written during the
 * run is.
 */
export async function detectEscape(check: EscapeCheck): Promise<Escape | null> {
  const [lines, stores] = await Promise.all([sourceLines(check), storesWritten(check)]);
  if (!stores.length && (check.sawRuns || !lines.length)) return null;
  const parts = [...lines, ...stores.map((s) => `wrote ${s}`)];
  return { lines, stores, summary: parts.join('; ') };
}
