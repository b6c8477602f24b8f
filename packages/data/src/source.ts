import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileError, inputError } from '@mlci/core';
import { utf8Chunks } from './decode';
import { lineAtOffset } from './utf8';

/** The path that means standard input. */
export const STDIN = '-';

/** How messages name an input: its path, or "stdin" for `-`. */
export const inputName = (path: string): string => (path === STDIN ? 'stdin' : path);

export interface InputInfo {
  /** A regular file: it can be read again from the start and seeked (Parquet needs that). */
  regular: boolean;
}

/**
 * What kind of input `path` is, without opening it: a regular file, or a stream (`-` for stdin, a FIFO, the
 * `/dev/fd/N` of a shell's `<(zcat …)`). A missing path or a directory is an error naming it.
 */
export async function inspectInput(path: string): Promise<InputInfo> {
  if (path === STDIN) return { regular: false };
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' });
    return { regular: info.isFile() };
  } catch (error) {
    throw fileError(path, error);
  }
}

/**
 * A text input opened once. The header is read from the same stream the records then come from: a pipe
 * opened a second time waits forever for a second writer. The first `text()` replays what `peek()` took and
 * continues the same stream; later passes re-open a regular file and are refused for a stream.
 */
export class TextInput {
  private live: AsyncGenerator<string> | null = null;
  private replay: string[] = [];
  private passes = 0;
  readonly name: string;

  constructor(
    private readonly path: string,
    private readonly info: InputInfo,
  ) {
    this.name = inputName(path);
  }

  private open(): AsyncGenerator<string> {
    const bytes =
      this.path === STDIN ? (process.stdin as AsyncIterable<Uint8Array>) : createReadStream(this.path, { highWaterMark: 1 << 20 });
    const lineAt = this.info.regular ? (offset: number) => lineAtOffset(this.path, offset) : async () => undefined;
    return utf8Chunks(bytes, this.name, lineAt);
  }

  /** The next text chunk of the first pass (undefined at the end), kept for `text()` to replay. */
  async peek(): Promise<string | undefined> {
    if (this.passes > 0) throw new Error('TextInput.peek after text()');
    this.live ??= this.open();
    const next = await this.live.next();
    if (next.done) return undefined;
    this.replay.push(next.value);
    return next.value;
  }

  /** The input's text from the start, in chunks. */
  async *text(): AsyncGenerator<string> {
    if (this.passes++ > 0) {
      if (!this.info.regular)
        throw inputError('is a stream (a pipe or stdin) and is read only once', {
          file: this.name,
          hint: 'save it to a file first, then pass that file',
        });
      yield* this.open();
      return;
    }
    const live = (this.live ??= this.open());
    const replay = this.replay;
    this.replay = [];
    try {
      yield* replay;
      for (;;) {
        const next = await live.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await live.return(undefined);
    }
  }

  /** Stops reading: closes the stream when no pass will consume it (a refusal after the header). */
  async close(): Promise<void> {
    this.replay = [];
    if (this.live && this.passes === 0) {
      this.passes = 1;
      await this.live.return(undefined);
    }
  }
}
