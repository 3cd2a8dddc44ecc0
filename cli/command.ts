/** One CLI command: `corpusforge <name> ...`. The CLI is the only layer that prints or exits. */
export interface Command {
  readonly name: string;
  /** One line for `corpusforge --help`. */
  readonly summary: string;
  /** Full text for `corpusforge <name> --help`. */
  readonly help: string;
  /** Runs the command; returns the exit code. Throw UserError for bad input. */
  run(argv: string[]): Promise<number>;
}
