// scripts/release/checks.ts: the pure checks a tag must pass before it is released.
import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { checkPackageVersion, compareVersions, parseReleaseTag, releaseNotes } from '../../scripts/release/checks';

const v = parseReleaseTag('v0.2.0');
const refusal = (f: () => unknown): MlciError => {
  try {
    f();
  } catch (error) {
    if (error instanceof MlciError) return error;
    throw error;
  }
  throw new Error('no refusal');
};

describe('release tags', () => {
  it('reads vX.Y.Z and refs/tags/vX.Y.Z; the major tag is vX', () => {
    expect(parseReleaseTag('refs/tags/v1.12.3')).toEqual({ tag: 'v1.12.3', version: '1.12.3', major: 'v1', parts: [1, 12, 3] });
    expect(compareVersions(parseReleaseTag('v0.10.0').parts, parseReleaseTag('v0.9.9').parts)).toBeGreaterThan(0);
  });

  it('refuses anything else as usage (exit 2), quoted and cut to 100 characters', () => {
    for (const tag of ['0.2.0', 'v0.2', 'v0.2.0-rc.1', 'v01.2.3', 'v0.2.0\n', 'iris@v0.2.0', `v0.2.${'1'.repeat(300)}`]) {
      const e = refusal(() => parseReleaseTag(tag));
      expect(e.kind, tag).toBe('usage');
      expect(e.message.length).toBeLessThan(140);
      expect(e.hint).toContain('vMAJOR.MINOR.PATCH');
    }
  });
});

describe('package.json', () => {
  it('passes when the version is the tag, else names the file, the line and both versions', () => {
    expect(() => checkPackageVersion(v, '{\n  "name": "mlci",\n  "version": "0.2.0"\n}\n')).not.toThrow();
    const e = refusal(() => checkPackageVersion(v, '{\n  "name": "mlci",\n  "version": "0.1.0"\n}\n'));
    expect([e.kind, e.location.file, e.location.line, e.message]).toEqual([
      'input',
      'package.json',
      3,
      'tag v0.2.0 does not match the version in package.json ("0.1.0")',
    ]);
    expect(refusal(() => checkPackageVersion(v, '{ "version": ')).message).toMatch(/^package\.json is not JSON/);
  });
});

describe('CHANGELOG.md sections', () => {
  const log = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [0.2.0] - 2026-12-02',
    '',
    '### Added',
    '- things',
    '',
    '## [0.1.0]',
    '',
    '- old',
    '',
  ].join('\n');

  it('is the body under the version heading up to the next one, trimmed', () => {
    expect(releaseNotes(v, log)).toBe('### Added\n- things\n');
    expect(releaseNotes(parseReleaseTag('v0.1.0'), log)).toBe('- old\n');
    expect(releaseNotes(v, '## 0.2.0\nplain heading\n')).toBe('plain heading\n');
  });

  it('does not take a pre-release, a longer version or a mention for the section', () => {
    for (const text of ['## [0.2.0-rc.1]\n- rc\n', '## [0.2.01]\n- no\n', 'See 0.2.0 below.\n### [0.2.0]\n- h3\n']) {
      const e = refusal(() => releaseNotes(v, text));
      expect([e.location.file, e.message]).toEqual(['CHANGELOG.md', 'no section for 0.2.0']);
    }
  });

  it('refuses an empty section, naming its line', () => {
    const e = refusal(() => releaseNotes(v, '# C\n\n## [0.2.0]\n\n## [0.1.0]\n- x\n'));
    expect([e.location.line, e.message]).toEqual([3, 'the section for 0.2.0 is empty']);
  });
});
