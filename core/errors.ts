/**
 * An error caused by the user's input or options (missing file, malformed data, bad flag).
 * The CLI prints it as one `error: ...` line and exits non-zero, without a stack trace.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** True for errors that should be shown to the user as a single line. */
export function isUserError(e: unknown): e is UserError {
  return e instanceof Error && e.name === 'UserError';
}
