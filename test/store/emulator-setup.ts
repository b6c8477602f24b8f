import { afterAll, beforeAll } from 'vitest';
import { startEmulator, type Emulator } from '../github-emulator/index';

/**
 * One emulator for a test file, and GITHUB_API_URL pointed at it for the file's duration: @actions/artifact
 * finds other runs' artifacts through @actions/github, which reads GITHUB_API_URL as a job does.
 * Returns a getter (the emulator exists only once beforeAll has run).
 */
export function useEmulator(): () => Emulator {
  let emulator: Emulator;
  const savedApiUrl = process.env.GITHUB_API_URL;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0 });
    process.env.GITHUB_API_URL = emulator.url;
  });
  afterAll(async () => {
    process.env.GITHUB_API_URL = savedApiUrl;
    await emulator?.stop();
  });
  return () => emulator;
}
