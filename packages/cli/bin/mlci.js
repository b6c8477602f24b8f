#!/usr/bin/env node
// The `mlci` command: loads the committed bundle so it works right after `npm ci`, with no build step.
import '../../../dist/cli.js';
