// Synthetic `corpusforge tokenize` folders (trainer/syntheticTokens.ts) for the dataset and training tests.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeSyntheticTokenDir, type SyntheticTokenOptions } from '../../trainer/syntheticTokens.js';

export interface TokenDirFixture {
  /** A scratch folder for the test's own output; `data` lies inside it. */
  dir: string;
  /** The token folder. */
  data: string;
  eotId: number;
  totalTokens: number;
}

/** Runs `check` on a fresh synthetic token folder, then removes the scratch folder whatever happened. */
export async function withTokenDir(options: SyntheticTokenOptions, check: (f: TokenDirFixture) => void | Promise<void>): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-tokens-'));
  try {
    const data = path.join(dir, 'data');
    await check({ dir, data, ...writeSyntheticTokenDir(data, options) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
