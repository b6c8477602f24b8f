import { readFile } from 'node:fs/promises';
import { fileError, inputError } from '@mlci/core';

/** Reads a JSON file a flag named, with errors that name the file and what it was for. */
export async function loadJsonFile(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(file, error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(`the ${what} is not valid JSON: ${(error as Error).message}`, { file });
  }
}
