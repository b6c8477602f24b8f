/** The report built from a job's results directory ($RUNNER_TEMP/mlci/results/*.json, one file per step). */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { SECTION_ORDER, sectionFor, type ReportSection } from './render-sections';

/** Result files that are not a step's own section (the pipeline's aggregate repeats the others). */
const NOT_SECTIONS = new Set(['pipeline']);

/** Every step result in the job's results directory, as report sections (ordered; unreadable files noted). */
export async function sectionsFromResults(dir: string, warn: (m: string) => void = () => {}): Promise<ReportSection[]> {
  const files = await readdir(dir).catch(() => [] as string[]);
  const sections: ReportSection[] = [];
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    const id = basename(file, '.json').toLowerCase();
    if (NOT_SECTIONS.has(id) || !/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) continue;
    try {
      sections.push(sectionFor(id, JSON.parse(await readFile(join(dir, file), 'utf8'))));
    } catch (error) {
      warn(`skipped ${file} in the report: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  const rank = (id: string) => (SECTION_ORDER.includes(id) ? SECTION_ORDER.indexOf(id) : SECTION_ORDER.length);
  return sections.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}
