/**
 * An error caused by the user's input or options (missing file, malformed data, bad flag).
 * The CLI prints it as one `error: ...` line and exits non-zero, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';

  constructor(message: string, options?: ErrorOptions) {
    super(oneLine(message), options);
  }
}

/**
 * The message as one printable line: line breaks become spaces and other control characters \u escapes. A
 * message may quote the user's input (JSON.parse quotes the text around the error): found by fuzzing, a
 * pipeline file's newline and NUL bytes came out as a second line and raw control bytes.
 */
export function oneLine(message: string): string {
  // eslint-disable-next-line no-control-regex
  return message.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/[\u0000-\u001f\u007f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True for errors that should be shown to the user as a single line. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError';
}
