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

/**
 * Turns a Node fs error on `file` into an MlciError that names the file, says what went wrong and how to fix
 * it (exit 2), leaving other errors alone. `op` picks the wording: reading an input, writing an output
 * (a report, a restored file) or creating a directory.
 */
export function fileError(file: string, error: unknown, op: 'read' | 'write' = 'read'): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const writing = op === 'write';
  const fail = (message: string, hint: string) => inputError(message, { file, hint, cause: error });
  switch (code) {
    case 'ENOENT':
      return writing
        ? fail('cannot write: a directory on the path does not exist', 'create the directory first, or check the path')
        : fail('file not found', 'check the path; it is read relative to the current directory');
    case 'EACCES':
    case 'EPERM':
      return writing
        ? fail('permission denied', 'make the directory writable by this user, or write somewhere else')
        : fail('permission denied', 'make the file readable by this user');
    case 'EISDIR':
      return writing
        ? fail('is a directory, expected a file name', 'name a file (e.g. DIR/report.md), not the directory')
        : inputError('is a directory, expected a file', { file, cause: error, hint: 'name a file inside it' });
    case 'ENOTDIR':
      return fail('a part of the path is a file, not a directory', 'check the path; every part before the last must be a directory');
    case 'EEXIST': {
      // mkdir -p meeting a file on the way says EEXIST about that part, not about `file` itself.
      const part = (error as NodeJS.ErrnoException).path;
      return part && part !== file
        ? fail(`a part of the path (${part}) is a file, not a directory`, 'check the path; every part before the last must be a directory')
        : fail('already exists', 'remove it or choose another path');
    }
    case 'ENOSPC':
    case 'EDQUOT':
      return fail('no space left on the device (or the disk quota is used up)', 'free some space, or write somewhere else');
    case 'EROFS':
      return fail('the file system is read-only', 'write somewhere writable (a temp or project directory)');
    case 'EMFILE':
    case 'ENFILE':
      return fail('too many open files', 'raise the limit (`ulimit -n 4096`) or close other programs, then retry');
    case 'ENAMETOOLONG':
      return fail('the path is too long for the file system', 'use a shorter path');
    case 'ELOOP':
      return fail('too many symbolic links on the path (a link loop?)', 'check the links on the path');
    case 'EBUSY':
    case 'ETXTBSY':
      return fail('the file is busy (in use by another program)', 'close the program using it, then retry');
    default:
      return error;
  }
}
