import { open, type FileHandle } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { MMIDIDX_MAGIC } from './tokenShards.js';

/**
 * The sequence lengths of a tokens.idx (one per document, EOT included), read in blocks as they are
 * asked for: memory is one block whatever the corpus size (the corpus profile pairs them with documents).
 */
export class TokenIndexLengths {
  private block = new Int32Array(0);
  private blockStart = 0;
  private next = 0;

  private constructor(
    private readonly file: FileHandle,
    private readonly path: string,
    /** Documents the index lists. */
    readonly count: number,
  ) {}

  static async open(path: string): Promise<TokenIndexLengths> {
    const file = await open(path, 'r').catch((e: NodeJS.ErrnoException) => {
      throw new UserError(`${path}: ${e.code === 'ENOENT' ? 'no such file' : `cannot read (${e.code})`}`);
    });
    const head = Buffer.alloc(34);
    const { bytesRead } = await file.read(head, 0, 34, 0);
    if (bytesRead < 34 || !head.subarray(0, 9).equals(MMIDIDX_MAGIC) || head.readBigUInt64LE(9) !== 1n) {
      await file.close();
      throw new UserError(`${path}: not a tokens.idx (no MMIDIDX version 1 header)`);
    }
    return new TokenIndexLengths(file, path, Number(head.readBigUInt64LE(18)));
  }

  /** The next document's length; UserError past the last one. */
  async nextLength(): Promise<number> {
    const i = this.next - this.blockStart;
    if (i < this.block.length) {
      this.next++;
      return this.block[i]!;
    }
    if (this.next >= this.count) throw new UserError(`${this.path}: lists ${this.count} documents, but the corpus has more`);
    const n = Math.min(65_536, this.count - this.next);
    const buf = Buffer.alloc(4 * n);
    await this.file.read(buf, 0, 4 * n, 34 + 4 * this.next);
    this.block = new Int32Array(n);
    for (let k = 0; k < n; k++) this.block[k] = buf.readInt32LE(4 * k);
    this.blockStart = this.next;
    return this.nextLength();
  }

  /** Documents read so far. */
  get read(): number {
    return this.next;
  }

  close(): Promise<void> {
    return this.file.close();
  }
}
