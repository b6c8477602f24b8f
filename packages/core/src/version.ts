/**
 * mlci's version: the root package.json's, the one place a release sets it. esbuild inlines this one field
 * into the bundle (JSON named imports are tree-shaken); vitest and tsx read it from the file.
 */
import { version } from '../../../package.json';

export const MLCI_VERSION: string = version;
