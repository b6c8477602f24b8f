import { MlciError } from '@mlci/core';

/** No live artifact (or, for a release, no release) holds the dataset: the caller may look elsewhere. Exit 2. */
export class DatasetNotStoredError extends MlciError {
  constructor(message: string, hint: string) {
    super('input', message, { hint });
    this.name = 'DatasetNotStoredError';
  }
}
