/**
 * Logging for the CLI: everything human goes to stderr so that `--json` output on stdout stays clean.
 * Colour only on a TTY and never when NO_COLOR is set (https://no-color.org).
 */
import { sanitizeText } from './sanitize';

const useColour = () => Boolean(process.stderr.isTTY) && !process.env.NO_COLOR;

const paint = (code: string) => (text: string) => (useColour() ? `\u001b[${code}m${text}\u001b[0m` : text);
export const colour = {
  red: paint('31'),
  green: paint('32'),
  yellow: paint('33'),
  blue: paint('34'),
  dim: paint('2'),
  bold: paint('1'),
};

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
}

// Messages echo names from records and inputs: sanitized, so none can drive the terminal (colour is added after).
const clean = (m: string) => sanitizeText(m, { multiline: true });

export const stderrLogger: Logger = {
  info: (m) => process.stderr.write(clean(m) + '\n'),
  warn: (m) => process.stderr.write(colour.yellow('warning: ') + clean(m) + '\n'),
  error: (m) => process.stderr.write(colour.red('error: ') + clean(m) + '\n'),
  debug: (m) => {
    if (process.env.MLCI_DEBUG) process.stderr.write(colour.dim(clean(m)) + '\n');
  },
};

/** A logger that drops everything: the default for library calls made from tests. */
export const silentLogger: Logger = { info() {}, warn() {}, error() {}, debug() {} };
