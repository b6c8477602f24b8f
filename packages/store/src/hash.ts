import { inputError } from '@mlci/core';

const SHA256 = /^[0-9a-f]{64}$/;

/** Checks a blob key is 64 lower-case hex characters (a path is built from it, so nothing else may pass). */
export function assertSha256(value: string): string {
  if (!SHA256.test(value)) {
    throw inputError(`"${value}" is not a SHA-256 (64 lower-case hex characters)`, {
      hint: 'blob keys look like 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    });
  }
  return value;
}

export const isSha256 = (value: string) => SHA256.test(value);
