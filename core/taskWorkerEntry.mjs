// Piscina worker entry for a TypeScript task module, loaded as an ES module.
// piscina require()s its `filename` first; with tsx's require hook active that compiles the whole module
// graph to CommonJS, whose getter-based exports made the curation steps ~30% slower than the same code
// as ESM (docs/decisions.md). tsx's ESM loader is registered in this thread instead, as bin/corpusforge.js
// does for the main thread.
import { register } from 'tsx/esm/api';
import { workerData } from 'piscina';

register();
const task = await import(workerData.taskModule);
export default task.default;
