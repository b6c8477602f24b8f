/**
 * The environment's word on GitHub write pacing: MLCI_GITHUB_PACE_WRITES=false (or 0/no/off) turns it off,
 * for emulators. Apart from the client so that reading it does not load octokit.
 */
export const pacingFromEnv = (env: NodeJS.ProcessEnv = process.env) => !/^(false|0|no|off)$/i.test(env.MLCI_GITHUB_PACE_WRITES ?? '');
