import { bytesKey } from './byteLevel.js';
import { MergeRules, type MergeRulesArrays } from './mergeRules.js';
import { PairMerger } from './bpeMerge.js';
import { BacktrackEncoder, buildBacktrackTables, isReachable, type BacktrackTables } from './bpeBacktrack.js';
import { TokenTrie, type TokenTrieArrays } from './tokenTrie.js';
import { originRules, originsByMerging, originsFromRanks, type TokenOrigins } from './tokenOrigins.js';
import { IdBuffer } from './idBuffer.js';

/** A built model as typed arrays over SharedArrayBuffers: what worker threads receive instead of tokenizer.json. */
export interface SharedBpeModel {
  /** All tokens' bytes, concatenated in id order. */
  bytes: Uint8Array;
  /** Token id i spans bytes[starts[i], starts[i + 1]); a hole (no bytes) is marked by a negative start. */
  starts: Int32Array;
  ignoreMerges: boolean;
  built: BuiltTables;
}

/** Everything derived from the vocabulary and merges (typed arrays, shareable). */
interface BuiltTables {
  /** The origin rules only (tokenOrigins.ts), with the byte-pair table filled. */
  rules: MergeRulesArrays;
  origins: TokenOrigins;
  trie: TokenTrieArrays;
  /** Null for a model the backtracking encoder cannot take (it keeps merging). */
  backtrack: BacktrackTables | null;
}

/**
 * A byte-level BPE model: token id -> bytes, and merge rules (left id, right id) -> (rank, new id).
 * Encoding a word repeatedly merges the adjacent pair of lowest rank (leftmost on ties) until no rule applies:
 * the rule of GPT-2, tiktoken and HF tokenizers alike. For tiktoken ranks, a pair's rank is the rank of the
 * concatenated bytes, and `ignoreMerges` takes a whole word that is itself a token directly, as tiktoken does.
 * Only the rules that can ever fire are kept (tokenOrigins.ts).
 */
export class BpeModel {
  /** id -> bytes; a hole for ids without bytes (special tokens live outside the model). */
  readonly tokenBytes: (Uint8Array | undefined)[];
  readonly byteIds: Int32Array;
  readonly ignoreMerges: boolean;
  private readonly built: BuiltTables;
  private readonly merger: PairMerger;
  private readonly trie: TokenTrie;
  private readonly backtrack: BacktrackEncoder | null;
  /**
   * ignore_merges matters only for a word that is a token BPE does not make from its bytes (BPE makes every other
   * token from its own bytes anyway); without such tokens the whole-word lookup is skipped.
   */
  private readonly wholeWordLookup: boolean;
  /** Some byte has no single-byte token (HF's trainer without the byte alphabet keeps only bytes it saw). */
  private readonly missingBytes: boolean;

  /** `merges`: [left id, right id, merged id] in rank order. */
  constructor(tokenBytes: (Uint8Array | undefined)[], merges: Iterable<readonly [number, number, number]>, ignoreMerges: boolean, built?: BuiltTables) {
    this.tokenBytes = tokenBytes;
    this.ignoreMerges = ignoreMerges;
    this.byteIds = new Int32Array(256).fill(-1);
    tokenBytes.forEach((bytes, id) => {
      if (bytes?.length === 1) this.byteIds[bytes[0]!] = id;
    });
    if (!built) {
      const list = [...merges];
      const all = new MergeRules(list.length);
      // The first rule for a pair wins, as when HF loads a merges list with duplicates.
      list.forEach(([a, b, id], rank) => all.add(a, b, rank, id));
      built = buildTables(tokenBytes, this.byteIds, originsByMerging(tokenBytes, all, new PairMerger(all, this.byteIds)));
    }
    this.built = built;
    const rules = new MergeRules(0, built.rules);
    this.merger = new PairMerger(rules, this.byteIds);
    this.merger.bytePairsReady = true;
    this.trie = new TokenTrie(built.trie);
    this.backtrack = built.backtrack && new BacktrackEncoder(built.backtrack, built.origins, this.trie, rules, this.merger);
    this.wholeWordLookup = ignoreMerges && tokenBytes.some((b, id) => b !== undefined && !isReachable(id, b, built.origins, this.byteIds));
    this.missingBytes = this.byteIds.includes(-1);
  }

  /** Builds a model from tiktoken ranks: bytes -> rank, where the rank is also the token id. */
  static fromRanks(ranks: Map<string, number> | [Uint8Array, number][]): BpeModel {
    const entries: [Uint8Array, number][] = Array.isArray(ranks)
      ? ranks
      : [...ranks].map(([k, r]) => [Uint8Array.from(k, (c) => c.charCodeAt(0)), r]);
    const tokenBytes: (Uint8Array | undefined)[] = [];
    const byteIds = new Int32Array(256).fill(-1);
    for (const [bytes, rank] of entries) {
      tokenBytes[rank] = bytes;
      if (bytes.length === 1) byteIds[bytes[0]!] = rank;
    }
    const direct = originsFromRanks(tokenBytes, byteIds);
    if (direct) return new BpeModel(tokenBytes, [], true, buildTables(tokenBytes, byteIds, direct.origins));
    // Irregular ranks: every split of a token is a rule ranked by the token (tiktoken's rule), then the origins.
    const { merges } = mergesFromRanks(entries);
    const all = new MergeRules(merges.length);
    for (const [a, b, id] of merges) all.add(a, b, id, id);
    return new BpeModel(tokenBytes, [], true, buildTables(tokenBytes, byteIds, originsByMerging(tokenBytes, all, new PairMerger(all, byteIds))));
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
    const t = this.built;
    const built: BuiltTables = {
      rules: { ...shareAll({ slots: t.rules.slots, bytePairs: t.rules.bytePairs, filter: t.rules.filter }), size: t.rules.size },
      origins: shareAll(t.origins),
      trie: shareAll(t.trie),
      backtrack: t.backtrack && shareAll(t.backtrack),
    };
    return { bytes, starts, ignoreMerges: this.ignoreMerges, built };
  }

  /** Rebuilds a model from `toShared`'s arrays without re-deriving rules or tables. */
  static fromShared(s: SharedBpeModel): BpeModel {
    const n = s.starts.length - 1;
    const tokenBytes: (Uint8Array | undefined)[] = new Array(n);
    const start = (i: number): number => (s.starts[i]! < 0 ? -1 - s.starts[i]! : s.starts[i]!);
    for (let i = 0; i < n; i++) {
      // A copy, not a view: decode() hands these bytes out.
      if (s.starts[i]! >= 0) tokenBytes[i] = s.bytes.slice(start(i), start(i + 1));
    }
    return new BpeModel(tokenBytes, [], s.ignoreMerges, s.built);
  }

  get size(): number {
    return this.tokenBytes.length;
  }

  /** Token id of an exact byte string, if the vocabulary has it. */
  idOf(bytes: Uint8Array): number | undefined {
    const id = bytes.length > 0 ? this.trie.tokenOf(bytes, bytes.length) : -1;
    return id < 0 ? undefined : id;
  }

  /** Whether long words are encoded by backtracking (else by merging: a model whose rules it cannot take). */
  get backtracking(): boolean {
    return this.backtrack !== null;
  }

  /** Appends the ids of one pre-tokenized word (its UTF-8 bytes) to `out`. */
  encodeWord(bytes: Uint8Array, out: number[]): void {
    const ids = new IdBuffer(bytes.length);
    this.encodeBytes(bytes, bytes.length, ids);
    ids.appendTo(out);
  }

  /** Appends the ids of the word bytes[0, n) to `out`. */
  encodeBytes(bytes: Uint8Array, n: number, out: IdBuffer): void {
    if (this.missingBytes) [bytes, n] = this.knownBytes(bytes, n);
    if (n === 0) return;
    if (n === 1) {
      out.push(this.merger.byteId(bytes[0]!));
      return;
    }
    if (this.wholeWordLookup) {
      const whole = this.trie.tokenOf(bytes, n);
      if (whole >= 0) {
        out.push(whole);
        return;
      }
    }
    if (this.backtrack && n > BACKTRACK_ABOVE) this.backtrack.encode(bytes, n, out);
    else this.merger.merge(bytes, n, out);
  }

  /**
   * The word without the bytes the vocabulary has no token for, as HF tokenizers encode it (a character
   * missing from a BPE vocabulary without unk_token or byte_fallback is dropped, and its neighbours merge
   * across the gap). Found by fuzzing: encoding threw on the first such byte.
   */
  private knownBytes(bytes: Uint8Array, n: number): [Uint8Array, number] {
    let known = 0;
    for (let i = 0; i < n; i++) if (this.byteIds[bytes[i]!]! >= 0) known++;
    if (known === n) return [bytes, n];
    const kept = new Uint8Array(known);
    for (let i = 0, k = 0; i < n; i++) if (this.byteIds[bytes[i]!]! >= 0) kept[k++] = bytes[i]!;
    return [kept, known];
  }

  /** The ids of a word by each method (tests hold them equal): 'merge' or 'backtrack'. */
  encodeWordBy(method: 'merge' | 'backtrack', bytes: Uint8Array): number[] {
    const ids = new IdBuffer(bytes.length);
    if (bytes.length > 0) {
      if (method === 'merge' || !this.backtrack) this.merger.merge(bytes, bytes.length, ids);
      else this.backtrack.encode(bytes, bytes.length, ids);
    }
    return ids.toArray();
  }
}

/**
 * Words longer than this (bytes) are encoded by backtracking: about linear in the length, it overtakes the
 * merge loop past ~40-48 bytes on o200k/cl100k UDHR words (0.4-0.9x its speed below, 1.1-1.6x above; see
 * docs/benchmarks.md), where the loop's per-merge rescans and the heap's log factor grow.
 */
const BACKTRACK_ABOVE = 48;

function buildTables(tokenBytes: readonly (Uint8Array | undefined)[], byteIds: Int32Array, origins: TokenOrigins): BuiltTables {
  const rules = originRules(origins);
  rules.indexBytePairs(byteIds);
  const trie = TokenTrie.build(tokenBytes, (id) => isReachable(id, tokenBytes[id], origins, byteIds));
  return { rules: rules.arrays, origins, trie: trie.arrays, backtrack: buildBacktrackTables(tokenBytes, origins, trie) ?? null };
}

/** Copies of typed arrays in SharedArrayBuffers (structured clone then shares the memory with other threads). */
function shareAll<T extends { [K in keyof T]: Int32Array }>(arrays: T): T {
  const out: Record<string, Int32Array> = {};
  for (const [k, a] of Object.entries(arrays) as [string, Int32Array][]) {
    const shared = new Int32Array(new SharedArrayBuffer(a.byteLength));
    shared.set(a);
    out[k] = shared;
  }
  return out as T;
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
