/**
 * Who the token writes as, so mlci takes over only its own comments and issues (as
 * marocchino/sticky-pull-request-comment does). A personal token answers `GET /user`; the job's GITHUB_TOKEN
 * and app installation tokens get 403 "Resource not accessible by integration" there, and then the login is
 * the configured one: MLCI_BOT_LOGIN (an app's `<slug>[bot]`), else `github-actions[bot]`, GITHUB_TOKEN's author.
 */
import type { GitHubClient } from './client';
import { statusOf } from './errors';

export const GITHUB_ACTIONS_BOT = 'github-actions[bot]';

const known = new WeakMap<object, Promise<string>>();

/** The login the client's token writes as (asked once per client). Failures other than that 403 are thrown. */
export function tokenIdentity(client: GitHubClient, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  let login = known.get(client);
  if (!login) {
    const fallback = env.MLCI_BOT_LOGIN?.trim() || GITHUB_ACTIONS_BOT;
    login = client.request('GET /user').then(
      (r) => r.data.login,
      (error: unknown) => {
        if (statusOf(error) === 403) return fallback;
        throw error;
      },
    );
    known.set(client, login);
    login.catch(() => known.delete(client));
  }
  return login;
}

/** Items (comments, issues) written by `login`: a person's comment carrying mlci's marker is not mlci's. */
export const authoredBy = (login: string) => (item: { user?: { login?: string } | null }) => item.user?.login === login;
