/** Helpers for registry tests on the shared GitHub emulator (test/github-emulator). */
import { GitHubRegistry } from '@mlci/registry/github';
import type { Emulator, FaultRule, RequestMatch } from '../github-emulator/index';

/** A new commit on top of the default branch's head (alias and version tags must point at real objects). */
export function newCommit(gh: Emulator, message: string): string {
  return gh.state.commit(message, [gh.state.branchSha(gh.state.defaultBranch)!]).sha;
}

/**
 * A GitHubRegistry on the emulator's repository, with its default client (createGitHubClient: retries and
 * throttling) made test-fast: no write pacing, a 10 ms backoff unit.
 */
export function registryOn(gh: Emulator, token = 'ghs_test_write'): GitHubRegistry {
  return new GitHubRegistry({
    owner: gh.state.owner,
    repo: gh.state.repo,
    token,
    baseUrl: gh.url,
    client: { paceWrites: false, retryBaseMs: 10 },
  });
}

/** The environment `mlci models … --github` and the promote-model action read to reach the emulator. */
export function registryEnv(gh: Emulator, token = 'ghs_test_write'): Record<string, string> {
  return {
    GITHUB_REPOSITORY: `${gh.state.owner}/${gh.state.repo}`,
    GITHUB_TOKEN: token,
    GITHUB_API_URL: gh.url,
    MLCI_GITHUB_PACE_WRITES: 'false',
  };
}

/**
 * Fails only the n-th request matching `match` (1-based) with `rule`; the first n-1 pass untouched. Each
 * matching request's hook arms the next one, and the last hook adds the fault for the request after it.
 */
export function failNth(gh: Emulator, match: RequestMatch, n: number, rule: Omit<FaultRule, keyof RequestMatch | 'times'>): void {
  if (n <= 1) {
    gh.faults.add({ ...match, ...rule, times: 1 });
    return;
  }
  gh.faults.beforeNext(match, () => failNth(gh, match, n - 1, rule));
}
