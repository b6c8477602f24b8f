import { inputError, readTextFile } from '@mlci/core';

/** Reads a JSON file a flag named, with errors that name the file and what it was for. */
export async function loadJsonFile(file: string, what: string): Promise<unknown> {
  const text = await readTextFile(file);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw inputError(`the ${what} is not valid JSON: ${(error as Error).message}`, { file });
  }
}
