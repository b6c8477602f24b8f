import { MlciError, MLCI_VERSION, exitCodeFor, stderrLogger, EXIT } from '@mlci/core';
import { commands } from './commands/index';

async function help(): Promise<string> {
  const lines = ['mlci: MLOps checks for GitHub Actions, on your laptop too', '', 'usage: mlci <command> [flags]', '', 'commands:'];
  for (const [name, load] of Object.entries(commands)) lines.push(`  ${name.padEnd(14)} ${(await load()).command.summary}`);
  lines.push('', 'Run `mlci <command> --help` for its flags. Exit codes: 0 pass, 1 fail, 2 bad input or usage, 3 remote error.');
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write((await help()) + '\n');
    return name ? EXIT.pass : EXIT.badInput;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(MLCI_VERSION + '\n');
    return EXIT.pass;
  }
  const load = commands[name];
  if (!load) {
    stderrLogger.error(`unknown command "${name}"\n  hint: run \`mlci --help\` to list the commands`);
    return EXIT.badInput;
  }
  const { command } = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(command.usage.trim() + '\n');
    return EXIT.pass;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof MlciError) {
      stderrLogger.error(error.describe());
    } else {
      stderrLogger.error(
        `internal error in mlci ${name}: ${(error as Error)?.stack ?? String(error)}\n  hint: this is a bug in mlci; please report it with the command you ran`,
      );
    }
    return exitCodeFor(error);
  }
}

// `mlci … | head` closes stdout early: that is the reader's choice, not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

// Run when this module is the entry point (bundled as dist/cli.js and loaded by bin/mlci.js).
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    stderrLogger.error(String(error?.stack ?? error));
    process.exitCode = EXIT.internal;
  },
);
