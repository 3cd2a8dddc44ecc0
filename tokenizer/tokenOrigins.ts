/**
 * How BPE makes each token from its own bytes, and the rules the encoder keeps because of it.
 *
 * In any BPE run, a merge (x, y) -> c happens only where the stretch of text that becomes c has evolved exactly
 * as c's own bytes would alone (merges never cross the boundaries of x and y before, and every merge inside was
 * the lowest-ranked pair there). So c's own BPE ends by merging (x, y) too: the only rule that ever makes c is
 * that last merge, its "origin". Every other rule (tiktoken's other splits of c, duplicate routes in a merges
 * list, rules for tokens BPE never makes) can be dropped without changing any encoding: the lowest-ranked pair
 * of any state is always an origin, so it stays the lowest. o200k keeps ~200k rules instead of every split.
 */
import { MergeRules } from './mergeRules.js';
import { PairMerger } from './bpeMerge.js';
import { IdBuffer } from './idBuffer.js';

/** Per token id. A token BPE never makes from its own bytes (and a single byte) has left = right = birth = -1. */
export interface TokenOrigins {
  left: Int32Array;
  right: Int32Array;
  /** Rank of the origin rule: the moment the token first exists in a BPE run. */
  birth: Int32Array;
}

function emptyOrigins(n: number): TokenOrigins {
  return { left: new Int32Array(n).fill(-1), right: new Int32Array(n).fill(-1), birth: new Int32Array(n).fill(-1) };
}

/** Origins by running the full rules on every token's bytes (models from a merges list). */
export function originsByMerging(tokenBytes: readonly (Uint8Array | undefined)[], rules: MergeRules, merger: PairMerger): TokenOrigins {
  const o = emptyOrigins(tokenBytes.length);
  const out = new IdBuffer();
  tokenBytes.forEach((bytes, id) => {
    if (!bytes || bytes.length < 2) return;
    out.length = 0;
    try {
      merger.merge(bytes, bytes.length, out);
    } catch {
      return; // a byte without a token: BPE never makes this one
    }
    if (out.length !== 1 || out.ids[0] !== id) return;
    o.left[id] = merger.lastLeft;
    o.right[id] = merger.lastRight;
    o.birth[id] = rules.rank(merger.lastLeft, merger.lastRight);
  });
  return o;
}

/**
 * tiktoken ranks (token id = rank), in rank order: a token's own bytes, merged with the origins of all lower
 * ranks, must end as two tokens, whose merge is then its origin (tiktoken merges any split by the rank of the
 * result). Builds the origin rules directly, without listing every split. Undefined when a token does not come
 * out that way (made only after a higher-ranked token, or two ranks with the same bytes): the caller then
 * derives origins from every split.
 */
export function originsFromRanks(tokenBytes: readonly (Uint8Array | undefined)[], byteIds: Int32Array): { rules: MergeRules; origins: TokenOrigins } | undefined {
  const o = emptyOrigins(tokenBytes.length);
  const rules = new MergeRules(tokenBytes.length);
  const merger = new PairMerger(rules, byteIds);
  const out = new IdBuffer();
  for (let id = 0; id < tokenBytes.length; id++) {
    const bytes = tokenBytes[id];
    if (!bytes) continue;
    if (bytes.length < 2) {
      if (bytes.length === 0 || byteIds[bytes[0]!] !== id) return undefined;
      continue;
    }
    out.length = 0;
    try {
      merger.merge(bytes, bytes.length, out);
    } catch {
      return undefined;
    }
    if (out.length !== 2) return undefined;
    rules.add(out.ids[0]!, out.ids[1]!, id, id);
    o.left[id] = out.ids[0]!;
    o.right[id] = out.ids[1]!;
    o.birth[id] = id;
  }
  return { rules, origins: o };
}

/** The rules that matter: each token's origin (see above). */
export function originRules(o: TokenOrigins): MergeRules {
  let count = 0;
  for (let id = 0; id < o.left.length; id++) if (o.left[id]! >= 0) count++;
  const rules = new MergeRules(count);
  for (let id = 0; id < o.left.length; id++) if (o.left[id]! >= 0) rules.add(o.left[id]!, o.right[id]!, o.birth[id]!, id);
  return rules;
}
