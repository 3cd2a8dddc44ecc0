/**
 * Apache Arrow loaded from its single-file build (same package and version as `apache-arrow`, same API): ~60 ms
 * of CPU to load instead of ~500 ms for the ESM build's hundreds of modules through the tsx loader, a cost every
 * tokenize worker that writes a Parquet shard would pay (measured in one process, docs/decisions.md).
 */
import { createRequire } from 'node:module';

export const arrow = createRequire(import.meta.url)('apache-arrow/Arrow.esnext.min') as typeof import('apache-arrow');
