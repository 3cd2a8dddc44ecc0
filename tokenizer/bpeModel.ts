import { bytesKey } from './byteLevel.js';
import { PairTable, type PairTableArrays } from './pairTable.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Rules pack (rank, merged id) into one number; ids and ranks must stay below 2^21. */
const ID_LIMIT = 1 << 21;

/** A built model as typed arrays over SharedArrayBuffers: what worker threads receive instead of tokenizer.json. */
export interface SharedBpeModel {
  /** All tokens' bytes, concatenated in id order. */
  bytes: Uint8Array;
  /** Token id i spans bytes[starts[i], starts[i + 1]); a hole (no bytes) is marked by a negative start. */
  starts: Int32Array;
  rules: PairTableArrays;
  ignoreMerges: boolean;
}

/**
 * A byte-level BPE model: token id -> bytes, and merge rules (left id, right id) -> (rank, new id).
 * Encoding a word repeatedly merges the adjacent pair of lowest rank (leftmost on ties) until no rule applies:
 * the rule of GPT-2, tiktoken and HF tokenizers alike. For tiktoken ranks, a pair's rank is the rank of the
 * concatenated bytes, and `ignoreMerges` takes a whole word that is itself a token directly, as tiktoken does.
 */
export class BpeModel {
  /** id -> bytes; a hole for ids without bytes (special tokens live outside the model). */
  readonly tokenBytes: (Uint8Array | undefined)[];
  readonly byteIds: Int32Array;
  /** pair key -> rank * ID_LIMIT + merged id: one lookup gives both. */
  private rules: PairTable;
  private readonly idByBytes = new Map<string, number>();
  /** Tokens whose bytes are valid UTF-8, by their text: a whole-word lookup needs no byte conversion. */
  private readonly idByText = new Map<string, number>();
  readonly ignoreMerges: boolean;
  // Scratch buffers reused across calls (the encoder is single-threaded).
  private sym = new Int32Array(256);
  private ranks = new Float64Array(256);

  constructor(tokenBytes: (Uint8Array | undefined)[], merges: Iterable<readonly [number, number, number]>, ignoreMerges: boolean) {
    this.tokenBytes = tokenBytes;
    this.ignoreMerges = ignoreMerges;
    this.byteIds = new Int32Array(256).fill(-1);
    tokenBytes.forEach((bytes, id) => {
      if (!bytes) return;
      if (id >= ID_LIMIT) throw new Error(`token id ${id} is too large (limit ${ID_LIMIT - 1})`);
      if (bytes.length === 1) this.byteIds[bytes[0]!] = id;
      this.idByBytes.set(bytesKey(bytes), id);
      if (ignoreMerges) {
        try {
          this.idByText.set(strictUtf8.decode(bytes), id);
        } catch {
          // not valid UTF-8 on its own: such a token is never a whole pre-tokenized word
        }
      }
    });
    const list = [...merges];
    this.rules = new PairTable(list.length, Infinity);
    // The first rule for a pair wins, as when HF loads a merges list with duplicates.
    list.forEach(([a, b, id], rank) => this.rules.setIfAbsent(a, b, rank * ID_LIMIT + id));
  }

  /** Builds a model from tiktoken ranks: bytes -> rank, where the rank is also the token id. */
  static fromRanks(ranks: Map<string, number> | [Uint8Array, number][]): BpeModel {
    const entries: [Uint8Array, number][] = Array.isArray(ranks)
      ? ranks
      : [...ranks].map(([k, r]) => [Uint8Array.from(k, (c) => c.charCodeAt(0)), r]);
    const { tokenBytes, merges } = mergesFromRanks(entries);
    const model = new BpeModel(tokenBytes, [], true);
    model.rules = new PairTable(merges.length, Infinity);
    for (const [a, b, id] of merges) model.rules.setIfAbsent(a, b, id * ID_LIMIT + id);
    return model;
  }

  /** The model as shared typed arrays (built once; every thread then adopts them, see `fromShared`). */
  toShared(): SharedBpeModel {
    const n = this.tokenBytes.length;
    let total = 0;
    for (const b of this.tokenBytes) total += b?.length ?? 0;
    const bytes = new Uint8Array(new SharedArrayBuffer(total));
    const starts = new Int32Array(new SharedArrayBuffer((n + 1) * 4));
    let at = 0;
    for (let i = 0; i < n; i++) {
      const b = this.tokenBytes[i];
      starts[i] = b ? at : -1 - at;
      if (b) bytes.set(b, at);
      at += b?.length ?? 0;
    }
    starts[n] = at;
    return { bytes, starts, rules: this.rules.toShared(), ignoreMerges: this.ignoreMerges };
  }

  /** Rebuilds a model from `toShared`'s arrays without re-deriving the merge rules. */
  static fromShared(s: SharedBpeModel): BpeModel {
    const n = s.starts.length - 1;
    const tokenBytes: (Uint8Array | undefined)[] = new Array(n);
    const start = (i: number): number => (s.starts[i]! < 0 ? -1 - s.starts[i]! : s.starts[i]!);
    for (let i = 0; i < n; i++) {
      // A copy, not a view: the model is read in the hot loop and decode() hands these bytes out.
      if (s.starts[i]! >= 0) tokenBytes[i] = s.bytes.slice(start(i), start(i + 1));
    }
    const model = new BpeModel(tokenBytes, [], s.ignoreMerges);
    model.rules = new PairTable(0, Infinity, s.rules);
    return model;
  }

  get size(): number {
    return this.tokenBytes.length;
  }

  /** Token id of an exact byte string, if the vocabulary has it. */
  idOf(bytes: Uint8Array): number | undefined {
    return this.idByBytes.get(bytesKey(bytes));
  }

  /** The id of a whole word that is itself a token, when merges are ignored for such words (tiktoken). */
  wholeWordId(word: string): number | undefined {
    return this.ignoreMerges ? this.idByText.get(word) : undefined;
  }

  /** Appends the ids of one pre-tokenized word (its UTF-8 bytes) to `out`. */
  encodeWord(bytes: Uint8Array, out: number[]): void {
    this.encodeBytes(bytes, bytes.length, out);
  }

  /** Appends the ids of the word bytes[0, n) to `out`. */
  encodeBytes(bytes: Uint8Array, n: number, out: number[]): void {
    if (n === 0) return;
    if (n === 1) {
      out.push(this.byteId(bytes[0]!));
      return;
    }
    if (this.ignoreMerges) {
      const whole = this.idByBytes.get(bytesKey(bytes.subarray(0, n)));
      if (whole !== undefined) {
        out.push(whole);
        return;
      }
    }
    if (n <= 96) this.mergeSmall(bytes, n, out);
    else this.mergeLarge(bytes, n, out);
  }

  private byteId(b: number): number {
    const id = this.byteIds[b]!;
    if (id < 0) throw new Error(`the vocabulary has no token for byte 0x${b.toString(16)}`);
    return id;
  }

  /** rank * ID_LIMIT + merged id, or Infinity when no rule merges (a, b). Ordering by it orders by rank. */
  private ruleAt(a: number, b: number): number {
    return this.rules.get(a, b);
  }

  /** Quadratic scan over a flat array: fastest for the short words that dominate text. */
  private mergeSmall(bytes: Uint8Array, length: number, out: number[]): void {
    let n = length;
    if (this.sym.length < n) {
      this.sym = new Int32Array(n * 2);
      this.ranks = new Float64Array(n * 2);
    }
    const sym = this.sym;
    // ranks[i] holds the packed rule of pair (i, i+1); comparing packed values compares ranks (ranks are unique
    // per rule; equal ranks from tiktoken splits give the same merged token).
    const ranks = this.ranks;
    for (let i = 0; i < n; i++) sym[i] = this.byteId(bytes[i]!);
    for (let i = 0; i < n - 1; i++) ranks[i] = this.ruleAt(sym[i]!, sym[i + 1]!);
    for (;;) {
      let best = Infinity;
      let at = -1;
      for (let i = 0; i < n - 1; i++) {
        if (ranks[i]! < best) {
          best = ranks[i]!;
          at = i;
        }
      }
      if (at < 0) break;
      sym[at] = best % ID_LIMIT;
      for (let i = at + 1; i < n - 1; i++) {
        sym[i] = sym[i + 1]!;
        ranks[i] = ranks[i + 1]!;
      }
      n--;
      if (at > 0) ranks[at - 1] = this.ruleAt(sym[at - 1]!, sym[at]!);
      if (at < n - 1) ranks[at] = this.ruleAt(sym[at]!, sym[at + 1]!);
    }
    for (let i = 0; i < n; i++) out.push(sym[i]!);
  }

  /** Linked list + binary heap of (rank, position): n log n for long words (whitespace runs, CJK lines). */
  private mergeLarge(bytes: Uint8Array, n: number, out: number[]): void {
    const sym = new Int32Array(n);
    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      sym[i] = this.byteId(bytes[i]!);
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap(n);
    for (let i = 0; i < n - 1; i++) {
      const r = this.ruleAt(sym[i]!, sym[i + 1]!);
      if (r !== Infinity) heap.push(r, i);
    }
    while (heap.size > 0) {
      const rank = heap.topRank();
      const pos = heap.pop();
      const right = next[pos]!;
      if (sym[pos]! < 0 || right < 0) continue;
      // Entries go stale when a neighbour merged first; re-check the pair still has this rank.
      if (this.ruleAt(sym[pos]!, sym[right]!) !== rank) continue;
      sym[pos] = rank % ID_LIMIT;
      sym[right] = -1;
      const after = next[right]!;
      next[pos] = after;
      if (after >= 0) prev[after] = pos;
      const before = prev[pos]!;
      if (before >= 0) {
        const r = this.ruleAt(sym[before]!, sym[pos]!);
        if (r !== Infinity) heap.push(r, before);
      }
      if (after >= 0) {
        const r = this.ruleAt(sym[pos]!, sym[after]!);
        if (r !== Infinity) heap.push(r, pos);
      }
    }
    for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
  }
}

/** Min-heap of (rank, position), ordered by rank then position (leftmost first on ties). */
class PairHeap {
  private ranks: Float64Array;
  private pos: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.ranks = new Float64Array(Math.max(4, capacity));
    this.pos = new Int32Array(Math.max(4, capacity));
  }
  private less(i: number, j: number): boolean {
    const a = this.ranks[i]!;
    const b = this.ranks[j]!;
    return a < b || (a === b && this.pos[i]! < this.pos[j]!);
  }
  private swap(i: number, j: number): void {
    const r = this.ranks[i]!;
    this.ranks[i] = this.ranks[j]!;
    this.ranks[j] = r;
    const p = this.pos[i]!;
    this.pos[i] = this.pos[j]!;
    this.pos[j] = p;
  }
  push(rank: number, position: number): void {
    if (this.size === this.ranks.length) {
      const r = new Float64Array(this.size * 2);
      r.set(this.ranks);
      const p = new Int32Array(this.size * 2);
      p.set(this.pos);
      this.ranks = r;
      this.pos = p;
    }
    let i = this.size++;
    this.ranks[i] = rank;
    this.pos[i] = position;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  topRank(): number {
    return this.ranks[0]!;
  }
  pop(): number {
    const top = this.pos[0]!;
    const last = --this.size;
    if (last > 0) {
      this.ranks[0] = this.ranks[last]!;
      this.pos[0] = this.pos[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < last && this.less(l, m)) m = l;
        if (r < last && this.less(r, m)) m = r;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/**
 * tiktoken ranks as BPE merges: the token bytes by id (a token's rank is its id) and every split of a token
 * into two tokens as [left, right, token], in the order of the token's rank. Merging by the rank of the
 * concatenation is exactly tiktoken's rule. Where two ranks name the same bytes, the later one in `ranks` wins.
 */
export function mergesFromRanks(ranks: readonly [Uint8Array, number][]): { tokenBytes: (Uint8Array | undefined)[]; merges: [number, number, number][] } {
  const tokenBytes: (Uint8Array | undefined)[] = [];
  const byKey = new Map<string, number>();
  for (const [bytes, rank] of ranks) {
    tokenBytes[rank] = bytes;
    byKey.set(bytesKey(bytes), rank);
  }
  const merges: [number, number, number][] = [];
  for (const [bytes, rank] of [...ranks].sort((x, y) => x[1] - y[1])) {
    const key = bytesKey(bytes);
    for (let i = 1; i < key.length; i++) {
      const a = byKey.get(key.slice(0, i));
      const b = byKey.get(key.slice(i));
      if (a !== undefined && b !== undefined) merges.push([a, b, rank]);
    }
  }
  return { tokenBytes, merges };
}
