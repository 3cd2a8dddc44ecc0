/**
 * A byte trie over the vocabulary: the longest token at a position of a word in one walk (what the
 * backtracking encoder asks at every step) and whole-word lookups, on the word's bytes with no string made.
 * Nodes are numbers; an edge (node, byte) -> child is one slot of an open-addressing table over Int32Arrays
 * (the root's 256 edges are a plain array). All arrays can live in SharedArrayBuffers (`arrays`), so worker
 * threads adopt a trie built once.
 */

export interface TokenTrieArrays {
  /** Child of the root for each byte, or -1. */
  rootChild: Int32Array;
  /** Edge keys node * 256 + byte, -1 for an empty slot; edgeChild holds the child node. */
  edgeKey: Int32Array;
  edgeChild: Int32Array;
  /** The token whose bytes end at the node, or -1. */
  nodeToken: Int32Array;
  /** The token ending at the node if the encoder may emit it (BPE reaches it), else -1. */
  nodeReachable: Int32Array;
}

const hashOf = (key: number, shift: number): number => Math.imul(key, 0x9e3779b1) >>> shift;

export class TokenTrie {
  private readonly rootChild: Int32Array;
  private readonly edgeKey: Int32Array;
  private readonly edgeChild: Int32Array;
  private readonly nodeToken: Int32Array;
  private readonly nodeReachable: Int32Array;
  private readonly mask: number;
  private readonly shift: number;

  constructor(arrays: TokenTrieArrays) {
    ({ rootChild: this.rootChild, edgeKey: this.edgeKey, edgeChild: this.edgeChild, nodeToken: this.nodeToken, nodeReachable: this.nodeReachable } = arrays);
    this.mask = this.edgeKey.length - 1;
    this.shift = 32 - Math.log2(this.edgeKey.length);
  }

  /** Builds the trie of `tokenBytes` (id -> bytes; holes allowed); `reachable(id)` marks the tokens BPE can produce. */
  static build(tokenBytes: readonly (Uint8Array | undefined)[], reachable: (id: number) => boolean): TokenTrie {
    let total = 1;
    for (const b of tokenBytes) total += b?.length ?? 0;
    if (total >= 1 << 23) throw new Error(`vocabulary too large for the token trie (${total} bytes)`);
    let size = 16;
    while (size < total * 2) size *= 2;
    const arrays: TokenTrieArrays = {
      rootChild: new Int32Array(256).fill(-1),
      edgeKey: new Int32Array(size).fill(-1),
      edgeChild: new Int32Array(size),
      nodeToken: new Int32Array(total).fill(-1),
      nodeReachable: new Int32Array(total).fill(-1),
    };
    const trie = new TokenTrie(arrays);
    let nodes = 1;
    tokenBytes.forEach((bytes, id) => {
      if (!bytes || bytes.length === 0) return;
      let node = arrays.rootChild[bytes[0]!]!;
      if (node < 0) node = arrays.rootChild[bytes[0]!] = nodes++;
      for (let i = 1; i < bytes.length; i++) {
        const key = node * 256 + bytes[i]!;
        let s = hashOf(key, trie.shift);
        while (arrays.edgeKey[s] !== -1 && arrays.edgeKey[s] !== key) s = (s + 1) & trie.mask;
        if (arrays.edgeKey[s] === -1) {
          arrays.edgeKey[s] = key;
          arrays.edgeChild[s] = nodes++;
        }
        node = arrays.edgeChild[s]!;
      }
      // Where two ids have the same bytes, the later one is kept (as in the rank and vocab maps).
      arrays.nodeToken[node] = id;
      arrays.nodeReachable[node] = reachable(id) ? id : -1;
    });
    return trie;
  }

  get arrays(): TokenTrieArrays {
    return { rootChild: this.rootChild, edgeKey: this.edgeKey, edgeChild: this.edgeChild, nodeToken: this.nodeToken, nodeReachable: this.nodeReachable };
  }

  /** The node reached from `node` by `byte`, or -1. */
  child(node: number, byte: number): number {
    const key = node * 256 + byte;
    for (let s = hashOf(key, this.shift); ; s = (s + 1) & this.mask) {
      const k = this.edgeKey[s]!;
      if (k === key) return this.edgeChild[s]!;
      if (k === -1) return -1;
    }
  }

  /** The token whose bytes are exactly bytes[0, n), or -1. */
  tokenOf(bytes: Uint8Array, n: number): number {
    let node = this.rootChild[bytes[0]!]!;
    for (let i = 1; i < n && node >= 0; i++) node = this.child(node, bytes[i]!);
    return node < 0 ? -1 : this.nodeToken[node]!;
  }

  /** The longest reachable token that is a prefix of bytes[pos, n), or -1. */
  longestAt(bytes: Uint8Array, pos: number, n: number): number {
    let node = this.rootChild[bytes[pos]!]!;
    if (node < 0) return -1;
    let best = this.nodeReachable[node]!;
    for (let i = pos + 1; i < n; i++) {
      node = this.child(node, bytes[i]!);
      if (node < 0) break;
      const t = this.nodeReachable[node]!;
      if (t >= 0) best = t;
    }
    return best;
  }

  /** The longest reachable token that is a proper prefix of `bytes`, or -1. */
  longestProperPrefix(bytes: Uint8Array): number {
    return bytes.length < 2 ? -1 : this.longestAt(bytes, 0, bytes.length - 1);
  }
}
