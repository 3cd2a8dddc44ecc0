import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * Writes `chunks` in order to a new file at `path` and fsyncs it; returns its size and sha256, computed on the
 * way (the file is not read back). The caller owns the name: a temp name or a staging folder, renamed to commit.
 */
export async function writeHashedFile(path: string, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  const fh = await open(path, 'w');
  let bytes = 0;
  try {
    for await (const chunk of chunks) {
      hash.update(chunk);
      bytes += chunk.length;
      await fh.write(chunk);
    }
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}
