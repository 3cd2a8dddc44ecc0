/**
 * BPE by backtracking over the vocabulary instead of merging pairs (the method of GitHub's `bpe` crate; written
 * here from its description). Same ids as merging, in time about linear in the word's length.
 *
 * Why it is exact: BPE's output for a word is the one token sequence in which every token is one BPE reaches
 * from its own bytes, and every adjacent pair (a, b) is "valid": BPE on bytes(a) + bytes(b) gives a, b again
 * (merges never cross a boundary of the final tokens, so each stretch between boundaries evolves on its own).
 * So: take the longest token at the current position; if it is not valid after the previous token, try its
 * next shorter prefix token; when none is left, drop the previous token and go on with its next shorter prefix.
 * A position from which no valid continuation was found is marked dead: the valid encoding of the text before
 * a position is unique, so that holds whatever path leads there again.
 *
 * Validity without re-encoding: the pieces at the boundary of a and b over time are the right spine of a's
 * merge tree and the left spine of b's. Going back in time (undo the later of the two last merges), a pair
 * (x, y) across the boundary that has a rule of rank below the moment x or y is merged away would have been
 * merged first, so (a, b) is not valid. On a tie the left pair goes first: strict for x, not for y.
 */
import { NO_RULE, type MergeRules } from './mergeRules.js';
import type { PairMerger } from './bpeMerge.js';
import type { TokenOrigins } from './tokenOrigins.js';
import type { TokenTrie } from './tokenTrie.js';
import type { IdBuffer } from './idBuffer.js';

/** What the encoder reads besides the origins and the trie, per token id (typed arrays: shared with workers). */
export interface BacktrackTables {
  /** Byte length of the token. */
  length: Int32Array;
  /** Longest token BPE makes that is a proper prefix of this one, or -1. */
  shorter: Int32Array;
}

/** Whether BPE makes the token from its own bytes (single bytes: the byte's token). */
export function isReachable(id: number, bytes: Uint8Array | undefined, o: TokenOrigins, byteIds: Int32Array): boolean {
  return bytes !== undefined && (o.left[id]! >= 0 || (bytes.length === 1 && byteIds[bytes[0]!] === id));
}

/**
 * The encoder's tables, or undefined when a token is born before one of its parts (a rule ranked below the rule
 * that makes its part): the timing argument above needs every token born after its parts, so such a model keeps
 * merging. `trie` must mark the reachable tokens.
 */
export function buildBacktrackTables(tokenBytes: readonly (Uint8Array | undefined)[], o: TokenOrigins, trie: TokenTrie): BacktrackTables | undefined {
  const n = tokenBytes.length;
  for (let id = 0; id < n; id++) {
    const b = o.birth[id]!;
    if (b >= 0 && (b <= o.birth[o.left[id]!]! || b <= o.birth[o.right[id]!]!)) return undefined;
  }
  const length = new Int32Array(n);
  const shorter = new Int32Array(n).fill(-1);
  for (let id = 0; id < n; id++) {
    const bytes = tokenBytes[id];
    if (!bytes) continue;
    length[id] = bytes.length;
    shorter[id] = trie.longestProperPrefix(bytes);
  }
  return { length, shorter };
}

export class BacktrackEncoder {
  private readonly length: Int32Array;
  private readonly shorter: Int32Array;
  private readonly birth: Int32Array;
  private readonly left: Int32Array;
  private readonly right: Int32Array;
  /** dead[p] = 1: no valid encoding goes on from byte p of the current word. */
  private dead = new Uint8Array(256);

  constructor(
    tables: BacktrackTables,
    origins: TokenOrigins,
    private readonly trie: TokenTrie,
    private readonly rules: MergeRules,
    private readonly merger: PairMerger,
  ) {
    ({ length: this.length, shorter: this.shorter } = tables);
    ({ birth: this.birth, left: this.left, right: this.right } = origins);
  }

  /** Appends the ids of the word bytes[0, n) (n >= 1) to `out`. */
  encode(bytes: Uint8Array, n: number, out: IdBuffer): void {
    if (this.dead.length <= n) this.dead = new Uint8Array(2 * n + 2);
    const dead = this.dead;
    dead.fill(0, 0, n + 1);
    const first = out.length;
    let pos = 0;
    let token = this.trie.longestAt(bytes, 0, n);
    for (;;) {
      if (token < 0) this.merger.byteId(bytes[pos]!); // throws: no token for this byte
      const end = pos + this.length[token]!;
      if (dead[end] === 0 && (out.length === first || this.validPair(out.ids[out.length - 1]!, token))) {
        out.push(token);
        if (end === n) return;
        pos = end;
        token = this.trie.longestAt(bytes, pos, n);
      } else if (this.shorter[token]! >= 0) {
        token = this.shorter[token]!;
      } else {
        dead[pos] = 1;
        if (out.length === first) throw new Error('BPE backtracking found no encoding'); // a byte token always fits
        token = out.pop();
        pos -= this.length[token]!;
      }
    }
  }

  /** Whether BPE on bytes(a) + bytes(b) gives a, b: no pair across the boundary merges first. */
  validPair(a: number, b: number): boolean {
    let limit = NO_RULE; // any rule at all merges across the boundary of the final pair
    for (;;) {
      if (this.rules.rank(a, b) < limit) return false;
      const bornA = this.birth[a]!;
      const bornB = this.birth[b]!;
      if (bornA > bornB) {
        limit = bornA; // ranks below a's last merge
        a = this.right[a]!;
      } else if (bornB >= 0) {
        limit = bornB + 1; // ranks up to b's last merge
        b = this.left[b]!;
      } else {
        return true;
      }
    }
  }
}
