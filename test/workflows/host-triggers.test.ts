/** GitHub's `on:` filters: the glob rules against the docs' filter pattern cheat sheet, and triggers() on small fixture workflows. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { globToRegExp, matchesFilter, triggers, type TriggerEvent } from './host-triggers';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'host-fixtures/triggers', name), 'utf8');

/** [patterns, matching names, names that must not match] — the examples of "Filter pattern cheat sheet". */
const CHEAT_SHEET: Array<[string[], string[], string[]]> = [
  // Patterns to match branches and tags.
  [['feature/*'], ['feature/my-branch', 'feature/your-branch'], ['feature/beta-a/my-branch', 'feature']],
  [['feature/**'], ['feature/beta-a/my-branch', 'feature/your-branch', 'feature/mona/the/octocat'], ['features/x']],
  [
    ['main', 'releases/mona-the-octocat'],
    ['main', 'releases/mona-the-octocat'],
    ['mainline', 'releases/other'],
  ],
  [['*'], ['main', 'releases'], ['releases/v1']],
  [['**'], ['all/the/branches', 'every/tag'], []],
  [['*feature'], ['mona-feature', 'feature', 'ver-10-feature'], ['feature-x', 'a/feature']],
  [['v2*'], ['v2', 'v2.0', 'v2.9'], ['v1.0', 'v2/x']],
  [['v[12].[0-9]+.[0-9]+'], ['v1.10.1', 'v2.0.0'], ['v3.0.0', 'v1.x.1', 'v1..1', 'v1a0.0']],
  // Patterns to match file paths.
  [['*'], ['README.md', 'server.rb'], ['docs/README.md']],
  [['*.jsx?'], ['page.js', 'page.jsx'], ['page.jsxx', 'src/page.js']],
  [['**'], ['all/the/files.md'], []],
  [['*.js'], ['app.js', 'index.js'], ['js/index.js']],
  [['**.js'], ['index.js', 'js/index.js', 'src/js/app.js'], ['index.json']],
  [['docs/*'], ['docs/README.md', 'docs/file.txt'], ['docs/mona/octocat.txt']],
  [['docs/**'], ['docs/README.md', 'docs/mona/octocat.txt'], ['README.md', 'src/docs/x']],
  [['docs/**/*.md'], ['docs/README.md', 'docs/mona/hello-world.md', 'docs/a/markdown/file.md'], ['docs/a/file.txt']],
  [['**/docs/**'], ['docs/hello.md', 'dir/docs/my-file.txt', 'space/docs/plan/space.doc'], ['mydocs/x']],
  [['**/README.md'], ['README.md', 'js/README.md'], ['README.mdx']],
  [['**/*src/**'], ['a/src/app.js', 'my-src/code/js/app.js'], ['src.js']],
  [['**/*-post.md'], ['my-post.md', 'path/their-post.md'], ['post.md']],
  [['**/migrate-*.sql'], ['migrate-10909.sql', 'db/migrate-v1.0.sql', 'db/sept/migrate-v1.sql'], ['migrate.sql']],
  [['*.md', '!README.md'], ['hello.md'], ['README.md', 'docs/hello.md']],
  [['*.md', '!README.md', 'README*'], ['hello.md', 'README.md', 'README.doc'], []],
  // The special characters' own examples.
  [['[CB]at'], ['Cat', 'Bat'], ['Hat', 'at']],
  [['[1-2]00'], ['100', '200'], ['300']],
];

describe('filter patterns (the docs cheat sheet)', () => {
  it.each(CHEAT_SHEET)('%j', (patterns, yes, no) => {
    for (const name of yes) expect(matchesFilter(name, patterns), `${name} should match`).toBe(true);
    for (const name of no) expect(matchesFilter(name, patterns), `${name} should not match`).toBe(false);
  });

  it('+ and ? apply to the previous character, a backslash escapes, other regex characters are literal', () => {
    expect(globToRegExp('ab+c').test('abbbc')).toBe(true);
    expect(globToRegExp('ab+c').test('ac')).toBe(false);
    expect(globToRegExp('colou?r').test('color')).toBe(true);
    expect(globToRegExp('v\\*').test('v*')).toBe(true);
    expect(globToRegExp('v\\*').test('v1')).toBe(false);
    expect(globToRegExp('a(b)|c').test('a(b)|c')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('a negation only deselects what an earlier pattern selected', () => {
    expect(matchesFilter('main', ['!main'])).toBe(false);
    expect(matchesFilter('releases/v1-alpha', ['releases/**', '!releases/**-alpha'])).toBe(false);
  });
});

const push = (ref: string, paths: string[] = []): TriggerEvent => ({ name: 'push', ref, paths });
const pr = (action: string, baseRef: string, paths: string[]): TriggerEvent => ({ name: 'pull_request', action, baseRef, paths });

describe('triggers()', () => {
  it('push with branches and paths: both must hold; tags never run it', () => {
    const wf = fixture('push-branches-paths.yml');
    expect(triggers(wf, push('refs/heads/main', ['train.py'])).triggered).toBe(true);
    expect(triggers(wf, push('refs/heads/releases/v1/rc', ['data/train.csv'])).triggered).toBe(true);
    expect(triggers(wf, push('refs/heads/releases/v1-alpha', ['train.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('matches no pattern of on.push.branches'),
    });
    expect(triggers(wf, push('refs/heads/feature', ['train.py'])).triggered).toBe(false);
    expect(triggers(wf, push('refs/heads/main', ['README.md', 'data/notes.md']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('no changed path (README.md, data/notes.md) matches on.push.paths'),
    });
    expect(triggers(wf, push('refs/heads/main', ['data/notes.md', 'src/model.py'])).triggered).toBe(true);
    expect(triggers(wf, push('refs/heads/main', [])).triggered).toBe(false);
    expect(triggers(wf, push('refs/tags/v1', ['train.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('filters only branches, so a tag push'),
    });
  });

  it('push with tags only: tag pushes that match, never a branch push', () => {
    const wf = fixture('tags-only.yml');
    expect(triggers(wf, push('refs/tags/iris-classifier@v1.0.0'))).toEqual({
      triggered: true,
      reason: 'iris-classifier@v1.0.0 matches tags',
    });
    expect(triggers(wf, push('refs/tags/iris-classifier#champion#1')).triggered).toBe(false);
    expect(triggers(wf, push('refs/heads/main', ['train.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('filters only tags, so a branch push'),
    });
    expect(triggers(wf, { name: 'pull_request', action: 'opened', baseRef: 'main' })).toEqual({
      triggered: false,
      reason: 'on: has no pull_request (on: push)',
    });
  });

  it('push with branches and tags-ignore: each kind its own filter; paths are not evaluated for tags', () => {
    const wf = fixture('both-kinds.yml');
    expect(triggers(wf, push('refs/tags/v1.0.0')).triggered).toBe(true);
    expect(triggers(wf, push('refs/tags/nightly-2024')).triggered).toBe(false);
    expect(triggers(wf, push('refs/heads/main', ['src/a.py'])).triggered).toBe(true);
    expect(triggers(wf, push('refs/heads/main', ['docs/a.md'])).triggered).toBe(false);
    expect(triggers(wf, push('refs/heads/dev', ['src/a.py'])).triggered).toBe(false);
    expect(triggers(wf, { name: 'schedule' }).triggered).toBe(true);
    // A bare `pull_request:` runs for the default activity types only.
    expect(triggers(wf, pr('synchronize', 'anything', [])).triggered).toBe(true);
    expect(triggers(wf, pr('closed', 'main', ['src/a.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('not in the default types'),
    });
  });

  it('pull_request with base branches, types and paths-ignore', () => {
    const wf = fixture('pr-paths-ignore.yml');
    expect(triggers(wf, pr('opened', 'main', ['train.py', 'README.md'])).triggered).toBe(true);
    expect(triggers(wf, pr('labeled', 'main', ['train.py'])).triggered).toBe(true);
    expect(triggers(wf, pr('reopened', 'main', ['train.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('not in on.pull_request.types'),
    });
    expect(triggers(wf, pr('opened', 'develop', ['train.py']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('base branch develop matches no pattern'),
    });
    expect(triggers(wf, pr('synchronize', 'main', ['docs/guide.md', 'CHANGES.md']))).toEqual({
      triggered: false,
      reason: expect.stringContaining('every changed path'),
    });
  });

  it('release types; workflow_dispatch always', () => {
    const wf = fixture('release-published.yml');
    expect(triggers(wf, { name: 'release', action: 'published' }).triggered).toBe(true);
    expect(triggers(wf, { name: 'release', action: 'created' }).triggered).toBe(false);
    expect(triggers(wf, { name: 'workflow_dispatch' }).triggered).toBe(true);
    expect(triggers(wf, { name: 'push', ref: 'refs/heads/main' }).triggered).toBe(false);
  });

  it('accepts the string and list forms of on:, and rejects a filter with its -ignore twin as GitHub does', () => {
    expect(triggers('on: push\njobs: {}', push('refs/tags/x')).triggered).toBe(true);
    expect(triggers({ on: ['push', 'pull_request'] }, pr('opened', 'main', [])).triggered).toBe(true);
    expect(() => triggers({ on: { push: { branches: ['main'], 'branches-ignore': ['x'] } } }, push('refs/heads/main'))).toThrow(
      /cannot both be used/,
    );
  });
});
