import { describe, expect, it } from 'vitest';
import { MlciError } from '@mlci/core';
import { githubTarget, resolveBackend } from './open';

const job = { GITHUB_ACTIONS: 'true', GITHUB_REPOSITORY: 'octo-org/octo-repo' };

describe('resolveBackend: which store and registry a place gets', () => {
  it('auto: GitHub inside a job with a token, local on a laptop or without one', () => {
    expect(resolveBackend('auto', 'registry', { env: { ...job, GITHUB_TOKEN: 't' } })).toBe('github');
    expect(resolveBackend(undefined, 'registry', { env: job, token: 't' })).toBe('github');
    expect(resolveBackend('auto', 'registry', { env: job })).toBe('local');
    expect(resolveBackend('auto', 'registry', { env: { GITHUB_REPOSITORY: 'o/r', GITHUB_TOKEN: 't' } })).toBe('local'); // a laptop with a token set
    // The store also uploads with only the job's artifact service (no REST token).
    expect(
      resolveBackend('auto', 'store', { env: { ...job, ACTIONS_RUNTIME_TOKEN: 'x', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' } }),
    ).toBe('github');
    expect(
      resolveBackend('auto', 'registry', { env: { ...job, ACTIONS_RUNTIME_TOKEN: 'x', ACTIONS_RESULTS_URL: 'http://127.0.0.1:1/' } }),
    ).toBe('local');
  });

  it('an explicit choice wins, and github says what it is missing', () => {
    expect(resolveBackend('local', 'store', { env: { ...job, GITHUB_TOKEN: 't' } })).toBe('local');
    expect(resolveBackend('github', 'store', { env: {}, repo: 'o/r', token: 't' })).toBe('github');
    const missing = (settings: Parameters<typeof resolveBackend>[2]) => {
      try {
        resolveBackend('github', 'registry', settings);
      } catch (error) {
        return error as MlciError;
      }
      throw new Error('expected an error');
    };
    expect(missing({ env: {} })).toMatchObject({ kind: 'usage', message: 'the GitHub registry needs a repository' });
    expect(missing({ env: { GITHUB_REPOSITORY: 'o/r' } })).toMatchObject({ kind: 'usage', message: 'the GitHub registry needs a token' });
    expect(missing({ env: { GITHUB_REPOSITORY: 'o/r' } }).hint).toContain('GITHUB_TOKEN');
    expect(() => resolveBackend('s3' as never, 'store', { env: {} })).toThrow(/store must be auto, github or local, got "s3"/);
  });

  it('reads the repository and token from settings before the environment, and refuses a malformed repository', () => {
    expect(
      githubTarget({ env: { GITHUB_REPOSITORY: 'a/b', GITHUB_TOKEN: 'env', GITHUB_API_URL: 'http://127.0.0.1:9' }, token: 'given' }),
    ).toEqual({ owner: 'a', repo: 'b', token: 'given', baseUrl: 'http://127.0.0.1:9' });
    expect(githubTarget({ env: {} })).toBeNull();
    expect(() => githubTarget({ env: {}, repo: 'not a repo' })).toThrow(/OWNER\/NAME, got "not a repo"/);
  });
});
