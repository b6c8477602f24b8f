import * as core from '@actions/core';
import { MlciError } from '@mlci/core';
import { ActionContext } from './context';

/**
 * The one wrapper every action entry point uses: runs `body` with the step's context, and turns an
 * MlciError into a failed step whose message names the input or file at fault (with an annotation when a
 * file and line are known); exit code 1 as the runner expects. Anything else is a bug in mlci.
 */
export async function runAction(body: (ctx: ActionContext) => Promise<void>): Promise<void> {
  try {
    await body(new ActionContext());
  } catch (error) {
    if (error instanceof MlciError) {
      const { file, line } = error.location;
      if (file) core.error(error.message + (error.hint ? ` (hint: ${error.hint})` : ''), { file, startLine: line });
      core.setFailed(error.describe());
      plainErrorLine(error.oneLine());
    } else {
      core.setFailed(`internal error in mlci: ${(error as Error)?.stack ?? String(error)}`);
      plainErrorLine(`internal error in mlci: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

/**
 * The failure as one plain stderr line, `mlci: error: <message> (hint: …)`, besides the `::error::` command
 * core.setFailed writes on stdout. A GitHub runner turns that command into an annotation, but nektos/act shows
 * workflow commands only with --verbose, while it always shows a step's plain output lines: without this
 * line a step failed under act with no reason in sight.
 */
function plainErrorLine(text: string): void {
  process.stderr.write(`mlci: error: ${text.replace(/\s*[\r\n]+\s*/g, ' ').trim()}\n`);
}
