/**
 * `npm run emulator -- [--port N] [--state FILE] [--no-validate]`: serves the emulator on 127.0.0.1 until
 * SIGINT/SIGTERM. Prints the URL and the environment a job would use on stdout.
 */
import { readFileSync } from 'node:fs';
import { startEmulator } from './index';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const port = Number(flag('--port') ?? 0);
const stateFile = flag('--state');
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`emulator: --port must be 0..65535, got ${flag('--port')}\n`);
  process.exit(2);
}
let state;
try {
  state = stateFile ? JSON.parse(readFileSync(stateFile, 'utf8')) : undefined;
} catch (error) {
  process.stderr.write(`emulator: cannot read --state ${stateFile}: ${(error as Error).message}\n`);
  process.exit(2);
}
const emulator = await startEmulator({ port, state, validate: !args.includes('--no-validate') });
process.stdout.write(
  `GitHub emulator on ${emulator.url} (repository ${emulator.state.owner}/${emulator.state.repo}; tokens ${[...emulator.state.tokens.keys()].join(', ')})\n`,
);
const stop = async () => {
  await emulator.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
