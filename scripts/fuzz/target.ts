// One fuzz target: how to make inputs, how to check one, and how to write a found input down.
import type fc from 'fast-check';

export interface FuzzContext {
  /** A scratch folder for the files a case writes (each case overwrites the last one's). */
  dir: string;
}

export interface FuzzTarget<T = unknown> {
  readonly name: string;
  /** What the target feeds and what it checks, for the campaign's report. */
  readonly what: string;
  /** Builds the input generator (seed corpora may need files written first). */
  arbitrary(ctx: FuzzContext): Promise<fc.Arbitrary<T>>;
  /** Runs the code under test on one input; throws FuzzViolation (or anything) when the property breaks. */
  check(input: T, ctx: FuzzContext): Promise<void>;
  /** The input as bytes, for a reproducer (base64 in reports, a fixed input in a regression test). */
  bytes(input: T): Buffer;
}

/** A target whose input is the bytes of one file. */
export type FileTarget = FuzzTarget<Buffer>;

/** Identity for byte inputs. */
export const asBytes = (b: Buffer): Buffer => b;
