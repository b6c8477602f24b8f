/**
 * Errors that reach a user. Every one names what is at fault (a file, a row, an input)
 * and carries a hint that says how to fix it. The CLI maps `kind` to an exit code;
 * actions print the message and hint and fail the step.
 */
export type ErrorKind =
  /** Bad flags or inputs given to a command or action: exit 2. */
  | 'usage'
  /** Unusable input data or configuration (missing file, malformed CSV, bad schema): exit 2. */
  | 'input'
  /** A remote service (GitHub, MLflow) refused or failed: exit 3. */
  | 'remote'
  /** A bug in mlci: exit 70 (EX_SOFTWARE). */
  | 'internal';

export interface ErrorLocation {
  /** Path of the file at fault, as the user gave it. */
  file?: string;
  /** 1-based physical line in `file`. */
  line?: number;
  /** 1-based column, where known. */
  column?: number;
}

export class MlciError extends Error {
  readonly kind: ErrorKind;
  readonly hint?: string;
  readonly location: ErrorLocation;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown } & ErrorLocation = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'MlciError';
    this.kind = kind;
    this.hint = options.hint;
    this.location = { file: options.file, line: options.line, column: options.column };
  }

  /** "file:line: message" followed by the hint on its own line, as compilers print it. */
  describe(): string {
    return `${this.where()}${this.message}${this.hint ? `\n  hint: ${this.hint}` : ''}`;
  }

  /** The same on one line, "file:line: message (hint: …)", for a log line or a report cell. */
  oneLine(): string {
    return `${this.where()}${this.message}${this.hint ? ` (hint: ${this.hint})` : ''}`.replace(/\s*[\r\n]+\s*/g, ' ').trim();
  }

  private where(): string {
    const { file, line, column } = this.location;
    return file ? `${file}${line ? `:${line}` : ''}${line && column ? `:${column}` : ''}: ` : '';
  }
}

export const usageError = (message: string, hint?: string) => new MlciError('usage', message, { hint });
export const inputError = (message: string, options: { hint?: string; cause?: unknown } & ErrorLocation = {}) =>
  new MlciError('input', message, options);

/** Exit codes shared by the CLI and the documentation. */
export const EXIT = { pass: 0, fail: 1, badInput: 2, remote: 3, internal: 70 } as const;

export function exitCodeFor(error: unknown): number {
  return error instanceof MlciError ? exitCodeForKind(error.kind) : EXIT.internal;
}

/** The exit code an error of this kind means (2 usage/input, 3 remote, 70 a bug). */
export function exitCodeForKind(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
    case 'input':
      return EXIT.badInput;
    case 'remote':
      return EXIT.remote;
    default:
      return EXIT.internal;
  }
}

/** Turns a Node fs error on `file` into an MlciError with a hint, leaving other errors alone. */
export function fileError(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return inputError(`file not found`, { file, hint: 'check the path; it is read relative to the current directory' });
  if (code === 'EACCES') return inputError(`permission denied`, { file, hint: 'make the file readable by this user' });
  if (code === 'EISDIR') return inputError(`is a directory, expected a file`, { file });
  return error;
}
