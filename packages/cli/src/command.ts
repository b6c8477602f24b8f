/** What every `mlci <name>` command module exports as `command`. */
export interface Command {
  /** One line for `mlci --help`. */
  summary: string;
  /** Full usage text for `mlci <name> --help`. */
  usage: string;
  /** Runs with the arguments after the command name; resolves to the process exit code. */
  run(args: string[]): Promise<number>;
}

/** Writes a machine-readable result to stdout: the only thing `--json` prints there. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
