import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';
import { ParquetTokenDataset } from './parquetTokenDataset.js';
import { TokenDataset, type TokenDatasetOptions, type TokenSource } from './tokenDataset.js';

/** Which form of a token folder to read: tokens.bin, the Parquet input_ids shards, or auto. */
export type TokenDataFormat = 'auto' | 'bin' | 'parquet';
export const TOKEN_DATA_FORMATS: readonly TokenDataFormat[] = ['auto', 'bin', 'parquet'];

export function parseTokenDataFormat(name: string): TokenDataFormat {
  if ((TOKEN_DATA_FORMATS as readonly string[]).includes(name)) return name as TokenDataFormat;
  throw new UserError(`--data-format must be one of ${TOKEN_DATA_FORMATS.join(', ')}, got '${name}'`);
}

/**
 * Opens a `corpusforge tokenize` folder for training or evaluation. `auto` (default) reads tokens.bin when
 * present (O(1) random access) and the Parquet shards otherwise; both give the same token stream.
 */
export async function openTokenData(dir: string, opts: TokenDatasetOptions & { format?: TokenDataFormat } = {}): Promise<TokenSource> {
  const format = opts.format ?? 'auto';
  if (format === 'bin' || (format === 'auto' && existsSync(path.join(dir, 'tokens.bin')))) return TokenDataset.open(dir, opts);
  return ParquetTokenDataset.open(dir, opts);
}
