/** Everything an iterable yields, in order (Array.fromAsync arrives with Node 22). */
export async function collect<T>(it: AsyncIterable<T> | Iterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}
