// Structure-aware mutations of JSON documents (tokenizer.json, pipeline files, manifests): a value at a
// path replaced, removed or retyped, then optionally a few byte edits of the serialised text.
import fc from 'fast-check';
import { byteOp, applyByteOps } from './mutate.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type JsonEdit =
  | { op: 'replace'; path: number[]; value: Json }
  | { op: 'remove'; path: number[] }
  | { op: 'rename'; path: number[]; key: string }
  | { op: 'wrap'; path: number[] };

/** Values that break readers: wrong types, empty and huge containers, odd numbers and strings. */
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -0, 2 ** 53 + 1, '', ' ', '\u0000', '\ud800', '__proto__', 'constructor', [], {}, [[]], { '': null }),
  fc.string({ maxLength: 12 }),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);
const path = fc.array(fc.nat({ max: 1000 }), { minLength: 0, maxLength: 6 });

export const jsonEdit: fc.Arbitrary<JsonEdit> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('replace' as const), path, value: oddValue }), weight: 4 },
  fc.record({ op: fc.constant('remove' as const), path }),
  fc.record({ op: fc.constant('rename' as const), path, key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'type', 'step')) }),
  fc.record({ op: fc.constant('wrap' as const), path }),
);

/** Walks `path` (each step an index into the container's keys, modulo their number); returns the parent and key of the target. */
function locate(root: Json, steps: readonly number[]): { parent: Json[] | Record<string, Json>; key: string | number } | undefined {
  let parent: Json[] | Record<string, Json> | undefined;
  let key: string | number | undefined;
  let node = root;
  for (const s of steps) {
    if (Array.isArray(node)) {
      if (node.length === 0) break;
      [parent, key] = [node, s % node.length];
      node = node[key]!;
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      if (keys.length === 0) break;
      [parent, key] = [node, keys[s % keys.length]!];
      node = node[key]!;
    } else break;
  }
  return parent === undefined || key === undefined ? undefined : { parent, key };
}

export function applyJsonEdit(root: Json, e: JsonEdit): Json {
  const copy = structuredClone(root);
  const at = locate(copy, e.path);
  if (!at) return e.op === 'replace' ? e.value : e.op === 'wrap' ? [copy] : copy;
  const { parent, key } = at;
  const set = (v: Json) => (Array.isArray(parent) ? (parent[key as number] = v) : Object.defineProperty(parent, key, { value: v, enumerable: true, writable: true, configurable: true }));
  const current = Array.isArray(parent) ? parent[key as number]! : parent[key as string]!;
  switch (e.op) {
    case 'replace':
      set(e.value);
      break;
    case 'wrap':
      set([current]);
      break;
    case 'remove':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'rename':
      if (Array.isArray(parent)) break;
      delete parent[key as string];
      Object.defineProperty(parent, e.key, { value: current, enumerable: true, writable: true, configurable: true });
      break;
  }
  return copy;
}

/** A base document with JSON edits, serialised, then maybe a byte edit of the text. */
export function mutatedJsonText(bases: readonly unknown[]): fc.Arbitrary<Buffer> {
  return fc
    .record({ base: fc.nat({ max: bases.length - 1 }), edits: fc.array(jsonEdit, { maxLength: 3 }), bytes: fc.array(byteOp, { maxLength: 1 }) })
    .map(({ base, edits, bytes }) => {
      const json = edits.reduce((j, e) => applyJsonEdit(j, e), bases[base] as Json);
      return applyByteOps(Buffer.from(JSON.stringify(json) ?? 'null'), bytes, []);
    });
}
