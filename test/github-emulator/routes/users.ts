/** The authenticated identity and the repository itself. */
import { HttpError, ok, type Handler } from '../http';
import { appJson, privateUserJson, repositoryJson } from '../shapes';

export const userRoutes: Record<string, Handler> = {
  // Installation tokens (GITHUB_TOKEN, bots) cannot read /user on GitHub; personal tokens can.
  'users/get-authenticated': (req, ctx) => {
    const user = req.token!.user;
    if (user.type === 'Bot')
      throw new HttpError(403, {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
        status: '403',
      });
    return ok(privateUserJson(ctx, user));
  },
  'apps/get-authenticated': (_req, ctx) => ok(appJson(ctx)),
  'repos/get': (_req, ctx) =>
    ok({
      ...repositoryJson(ctx),
      network_count: 0,
      subscribers_count: 0,
      permissions: { admin: false, maintain: false, push: _req.token?.permission === 'write', triage: true, pull: true },
    }),
};
