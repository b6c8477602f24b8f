import { usageError } from '@mlci/core';
import type { Command } from '../command';

// Placeholder until the command lands: says so plainly and exits 2.
export const command: Command = {
  summary: '(not available yet)',
  usage: 'mlci train: not available yet',
  async run() {
    throw usageError('mlci train is not available in this build yet');
  },
};
