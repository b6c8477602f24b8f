/**
 * The sticky report's body: pure functions, no API calls (those are in comment-sticky.ts).
 *
 * Layout:
 *   <!-- mlci:report -->                       the marker that finds the comment
 *   ✅ **Ready** · …                           one-line verdict over all sections present
 *   <!-- mlci:section id=compare kind=model outcome=pass -->
 *   ### ✅ Comparison: …                       each step's section, delimited by hidden markers
 *   <!-- /mlci:section id=compare -->
 *   <sub>…</sub>                               footer
 * Any step can rebuild the body: parse the existing one, replace its own section, render all of them.
 */
import type { Outcome } from '@mlci/core';
import { MLCI_VERSION } from '@mlci/core';
import { md } from './escape';
import { SECTION_ORDER, SECTION_TITLES, outcomeIcon, type ReportSection } from './render-sections';

/** GitHub refuses comment bodies longer than this (characters). */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** What the report aims for: the limit minus room for the footer and a margin for how GitHub counts. */
export const REPORT_BUDGET = 64_000;

/** The hidden marker, at the very start of the comment body. `key` allows several reports per PR (e.g. per model). */
export const reportMarker = (key = '') => (key ? `<!-- mlci:report key=${safeId(key)} -->` : '<!-- mlci:report -->');

const ID = /^[a-z0-9][a-z0-9-]{0,39}$/;
const safeId = (id: string) => {
  if (!ID.test(id)) throw new TypeError(`section id "${id}" must match ${ID}`);
  return id;
};

/** A section as stored in the body: its markers carry what the verdict line needs. */
const START = /<!-- mlci:section id=([a-z0-9][a-z0-9-]{0,39}) kind=(data|model) outcome=(pass|warn|fail) -->\n/g;
const endMarker = (id: string) => `\n<!-- /mlci:section id=${id} -->`;

export interface StoredSection {
  id: string;
  kind: 'data' | 'model';
  outcome: Outcome;
  /** The section's Markdown between its markers (heading included). */
  markdown: string;
}

/**
 * A section's Markdown between its markers. Any `<!-- mlci:` inside the body is defused (`&lt;!--`), so no
 * content, however it was produced, can open or close a section or fake the report marker.
 */
export function sectionMarkdown(s: ReportSection): string {
  const title = SECTION_TITLES[s.id] ?? md(s.id);
  const text = `### ${outcomeIcon(s.outcome)} ${title}: ${s.headline}${s.body ? `\n\n${s.body}` : ''}`;
  return text.replace(/<!--(\s*\/?\s*mlci)/gi, '&lt;!--$1');
}

export const toStored = (s: ReportSection): StoredSection => ({
  id: safeId(s.id),
  kind: s.kind,
  outcome: s.outcome,
  markdown: sectionMarkdown(s),
});

/** The sections found in a body (in body order). Malformed or unterminated sections are skipped. */
export function parseSections(body: string): StoredSection[] {
  const out: StoredSection[] = [];
  for (const m of body.matchAll(START)) {
    const [, id, kind, outcome] = m;
    const from = m.index! + m[0].length;
    const to = body.indexOf(endMarker(id), from);
    if (to < 0) continue;
    out.push({ id, kind: kind as 'data' | 'model', outcome: outcome as Outcome, markdown: body.slice(from, to) });
  }
  return out;
}

/** Merges section lists: later lists win per id (replace own section), order by SECTION_ORDER then id. */
export function mergeSections(...lists: StoredSection[][]): StoredSection[] {
  const byId = new Map<string, StoredSection>();
  for (const list of lists) for (const s of list) byId.set(s.id, s);
  const rank = (id: string) => (SECTION_ORDER.includes(id) ? SECTION_ORDER.indexOf(id) : SECTION_ORDER.length);
  return [...byId.values()].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}

/** The one-line verdict a reviewer reads first: ✅ ready / ❌ regressions / ⚠️ data problems. */
export function verdictLine(sections: Array<Pick<StoredSection, 'id' | 'kind' | 'outcome'>>): string {
  const failing = (kind: 'data' | 'model') =>
    sections.filter((s) => s.kind === kind && s.outcome === 'fail').map((s) => SECTION_TITLES[s.id] ?? md(s.id));
  const model = failing('model');
  const data = failing('data');
  const warns = sections.filter((s) => s.outcome === 'warn').map((s) => SECTION_TITLES[s.id] ?? md(s.id));
  if (!sections.length) return '⏳ **Waiting**: no mlci step has reported yet.';
  const parts: string[] = [];
  if (model.length) parts.push(`❌ **Regressions**: ${model.join(', ')}`);
  if (data.length) parts.push(`⚠️ **Data problems**: ${data.join(', ')}`);
  if (parts.length) return parts.join(' · ');
  return `✅ **Ready**: ${sections.length} check${sections.length > 1 ? 's' : ''} passed${warns.length ? ` (warnings: ${warns.join(', ')})` : ''}.`;
}

export interface RenderReportOptions {
  /** See reportMarker. @default '' */
  key?: string;
  /** Link to the full report (the workflow run / job summary), used in the footer and truncation notes. */
  detailsUrl?: string;
  /**
   * Longest body in characters. Sections are shortened, largest first, until it fits (each keeps its heading
   * and gets a note pointing at `detailsUrl`).
   * @default REPORT_BUDGET (64,000; GitHub's limit is 65,536)
   */
  budget?: number;
  /** Extra footer text (safe Markdown), e.g. the commit. @default none */
  footer?: string;
}

export interface RenderedReport {
  body: string;
  /** Ids of sections shortened to fit the budget. */
  truncated: string[];
}

const wrap = (s: StoredSection) => `<!-- mlci:section id=${s.id} kind=${s.kind} outcome=${s.outcome} -->\n${s.markdown}${endMarker(s.id)}`;

/** Cuts a section to its heading line plus a note (the full text is in the job summary). */
function shorten(s: StoredSection, detailsUrl?: string): StoredSection {
  const heading = s.markdown.split('\n', 1)[0];
  const link = detailsUrl && /^https?:\/\/[^\s()<>"']+$/.test(detailsUrl) ? `[the job summary](${detailsUrl})` : 'the job summary';
  return {
    ...s,
    markdown: `${heading}\n\n_This section was shortened to keep the comment under GitHub's ${GITHUB_COMMENT_LIMIT.toLocaleString('en')}-character limit; the full text is in ${link}._`,
  };
}

/** Renders the whole body from sections, shortening the largest sections until it fits the budget. */
export function renderReport(sections: StoredSection[], options: RenderReportOptions = {}): RenderedReport {
  const budget = options.budget ?? REPORT_BUDGET;
  const ordered = mergeSections(sections);
  const link = options.detailsUrl && /^https?:\/\/[^\s()<>"']+$/.test(options.detailsUrl) ? ` · [workflow run](${options.detailsUrl})` : '';
  const footer = `<sub>mlci ${MLCI_VERSION} report: one comment per pull request, updated in place by each mlci step${link}${options.footer ? ` · ${options.footer}` : ''}</sub>`;
  const build = (list: StoredSection[]) => [reportMarker(options.key), verdictLine(list), ...list.map(wrap), footer].join('\n\n') + '\n';
  let current = ordered;
  let body = build(current);
  const truncated: string[] = [];
  while (body.length > budget) {
    const candidates = current.filter((s) => !truncated.includes(s.id)).sort((a, b) => b.markdown.length - a.markdown.length);
    if (!candidates.length) break;
    truncated.push(candidates[0].id);
    current = current.map((s) => (s.id === candidates[0].id ? shorten(s, options.detailsUrl) : s));
    body = build(current);
  }
  return { body, truncated };
}

/** True when `body` is an mlci report (for `key`): the marker opens the body. */
export const isReport = (body: string | null | undefined, key = '') => typeof body === 'string' && body.startsWith(reportMarker(key));
