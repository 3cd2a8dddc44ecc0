/**
 * Memoizes a pure function of a string in a Map that is cleared when it reaches `limit` entries, so a
 * worker's memory stays bounded however long the run (keys longer than `maxKeyLength` are computed but
 * not kept). Used where consecutive steps look at the same text or a site repeats the same tokens.
 * The returned values are shared: callers must not modify them.
 */
export function boundedMemo<V>(limit: number, compute: (key: string) => V, maxKeyLength = Infinity): (key: string) => V {
  const memo = new Map<string, V>();
  return (key: string): V => {
    let v = memo.get(key);
    if (v === undefined) {
      v = compute(key);
      if (key.length <= maxKeyLength) {
        if (memo.size >= limit) memo.clear();
        memo.set(key, v);
      }
    }
    return v;
  };
}
