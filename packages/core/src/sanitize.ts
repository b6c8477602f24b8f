/**
 * Text from records, data files and pull requests is echoed to terminals and rendered in reports. A run name
 * can carry an ANSI/OSC escape (retitle the terminal, forge a hyperlink, move the cursor and overwrite lines)
 * or a bidi override (U+202E shows "exe.txt" for "txt.exe"). `sanitizeText` is the one filter for both:
 * every escape sequence becomes one `?`, every other control or bidi character becomes `?`, so a user sees
 * that something was there without the terminal or the renderer acting on it.
 */

// ESC sequences as terminals parse them (ECMA-48): CSI `ESC [ params final`, OSC/DCS/SOS/PM/APC strings up to
// BEL or ST, and two-character `ESC X`; plus their 8-bit C1 forms (U+009B CSI, U+009D OSC, U+0090 DCS ...).
const ESCAPE_SEQUENCE = new RegExp(
  [
    '(?:\\u001b\\[|\\u009b)[\\u0030-\\u003f]*[\\u0020-\\u002f]*[\\u0040-\\u007e]?',
    '(?:\\u001b[\\]PX^_]|[\\u0090\\u0098\\u009d\\u009e\\u009f])[^\\u0007\\u001b\\u009c\\n]*(?:\\u0007|\\u001b\\\\|\\u009c)?',
    '\\u001b[\\u0020-\\u002f]*[\\u0030-\\u007e]?',
  ].join('|'),
  'g',
);

/** Bidi embeddings, overrides, isolates and marks: they reorder what is shown without being visible. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** C0 and C1 controls (DEL included) except tab and line feed, which the multi-line form keeps. */
/* eslint-disable no-control-regex -- matching control characters is this module's job */
const CONTROL_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/* eslint-enable no-control-regex */

export interface SanitizeOptions {
  /** Keep line feeds and tabs (a whole block of terminal output); otherwise the text is one line. @default false */
  multiline?: boolean;
}

/**
 * Untrusted text made safe to print or render: no escape sequence, control or bidi character survives.
 * One-line form: CR/LF/CRLF, U+2028/U+2029 and tabs become a space. Multi-line form: CRLF and U+2028/U+2029
 * become a line feed, tabs and line feeds stay, a lone CR (which overwrites a line) becomes `?`.
 */
export function sanitizeText(text: unknown, options: SanitizeOptions = {}): string {
  let s = String(text ?? '').replace(ESCAPE_SEQUENCE, '?');
  s = options.multiline
    ? s.replace(/\r\n|[\u2028\u2029]/g, '\n').replace(CONTROL_MULTILINE, '?')
    : s.replace(/\r\n|[\r\n\t\u2028\u2029]/g, ' ').replace(CONTROL, '?');
  return s.replace(BIDI, '?');
}

/**
 * A JSON-like value (a run record) with every string and object key passed through `sanitizeText` (one-line),
 * for views that format records for a terminal. Numbers, booleans and null are kept; the input is not changed.
 */
export function sanitizeDeep<T>(value: T): T {
  if (typeof value === 'string') return sanitizeText(value) as T;
  if (Array.isArray(value)) return value.map((v) => sanitizeDeep(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = Object.getPrototypeOf(value) === null ? Object.create(null) : {};
    // defineProperty: a key named __proto__ stays an own key instead of replacing the prototype.
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, sanitizeText(k), { value: sanitizeDeep(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}
