// `corpusforge tokenize` end to end (read JSONL, encode, write tokens.bin/.idx and Parquet): inline and with
// 1, 2, ... workers, the code as it is now against an earlier commit's (--before, default d886ec4: the last
// one before workers parsed JSONL and wrote the Parquet shards), side by side in one process.
// Run: node --import tsx bench/tokenize.ts [--quick] [--before COMMIT] [--workers 0,1,2] [--rounds N] [--shard-docs N] [--mb N]
// The earlier commit's core/, datasets/ and tokenizer/ are extracted (git archive) under node_modules/.cache so
// its imports resolve to the same packages. Corpus: node_modules docs + UDHR paragraphs as documents, gpt2.
// The machine is shared: rely on the ratios measured in the same run, not on the absolute numbers.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import gpt2Ranks from 'js-tiktoken/ranks/gpt2';
import { saveTokenizerFile, tiktokenToHfJson, tokenizeInputs } from '../tokenizer/index.js';
import { udhrPlainTexts } from '../datasets/udhrSample.js';
import { nodeModulesText, scaledParagraphs, table, writeJsonl } from './_tokenCorpus.js';

type Tokenize = typeof tokenizeInputs;

const argv = process.argv.slice(2);
const flag = (name: string, dflt: string): string => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : dflt);
const QUICK = argv.includes('--quick');
const BEFORE = flag('--before', 'd886ec4');
const MODES = flag('--workers', '0,1,2').split(',').map(Number);
const ROUNDS = Number(flag('--rounds', '2'));
const SHARD_DOCS = argv.includes('--shard-docs') ? Number(flag('--shard-docs', '')) : undefined;
// Text size: the default 32 MB repeats the ~15 MB base text about twice (a word cache per thread then favours
// fewer threads: each worker warms its own); --mb 14 or less has no repetition.
const MB = Number(flag('--mb', QUICK ? '4' : '32'));
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** tokenizeInputs as it was at `commit` (its own copy of core/, datasets/, tokenizer/). */
async function tokenizeAt(commit: string): Promise<Tokenize> {
  const sha = execFileSync('git', ['rev-parse', commit], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = join(ROOT, 'node_modules', '.cache', 'corpusforge-bench', sha);
  if (!existsSync(join(dir, 'package.json'))) {
    await mkdir(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', sha, 'core', 'datasets', 'tokenizer'], { cwd: ROOT, maxBuffer: 1 << 30 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    // Under node_modules the project's package.json no longer applies: these files are ES modules too.
    await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n');
  }
  return ((await import(join(dir, 'tokenizer', 'tokenizeCorpus.ts'))) as { tokenizeInputs: Tokenize }).tokenizeInputs;
}

interface Run { s: number; cpu: number; mainCpu: number; docs: number; tokens: number; hashes: string }

/**
 * CPU seconds of this process's main thread (Linux: /proc/self/task/PID/stat utime + stime, 100 ticks a second),
 * NaN elsewhere. It is the part workers cannot share: on idle cores the run takes at least this long.
 */
function mainThreadCpu(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

async function runOnce(tokenize: Tokenize, file: string, tokPath: string, out: string, workers: number): Promise<Run> {
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // all threads of this process: main + workers
  const main0 = mainThreadCpu();
  const m = await tokenize([file], {}, { tokenizerPath: tokPath, outDir: out, workers, ...(SHARD_DOCS ? { shardDocs: SHARD_DOCS } : {}) });
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const mainCpu = mainThreadCpu() - main0;
  // Every output file's sha256 (the lock file aside), to check the modes and versions agree byte for byte.
  const files = (await readdir(out)).filter((f) => !f.includes('lock')).sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update(await readFile(join(out, f)));
  await rm(out, { recursive: true, force: true });
  return { s, cpu: (c.user + c.system) / 1e6, mainCpu, docs: m.documents, tokens: m.total_tokens, hashes: h.digest('hex') };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'cf-tokenize-bench-'));
  try {
    const tokPath = join(dir, 'gpt2.json');
    await saveTokenizerFile(tokPath, tiktokenToHfJson(gpt2Ranks));
    const text = (await nodeModulesText(QUICK ? 1e6 : 8e6)) + '\n\n' + udhrPlainTexts().map((d) => d.text).join('\n');
    const input = join(dir, 'input.jsonl');
    const bytes = await writeJsonl(input, scaledParagraphs(text, MB * 1e6));
    const tiny = join(dir, 'tiny.jsonl');
    await writeJsonl(tiny, [{ id: '0', text: 'Hello world' }]);
    const versions: [string, Tokenize][] = [[`before (${BEFORE})`, await tokenizeAt(BEFORE)], ['now', tokenizeInputs]];
    console.log(`# corpusforge tokenize ${new Date().toISOString()}; ${cpus()[0]?.model} x${availableParallelism()}, Node ${process.version}; ` +
      `load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
    const best = new Map<string, Run>();
    const start = new Map<string, number>();
    let n = 0;
    // Rounds with every version and mode interleaved, best of each: the machine is shared, so this damps spikes.
    for (let round = 0; round < ROUNDS; round++) {
      for (const w of MODES) {
        for (const [name, tokenize] of versions) {
          const key = `${name}|${w}`;
          const st = await runOnce(tokenize, tiny, tokPath, join(dir, `o${n++}`), w);
          start.set(key, Math.min(start.get(key) ?? Infinity, st.s));
          const r = await runOnce(tokenize, input, tokPath, join(dir, `o${n++}`), w);
          if (!best.has(key) || r.s < best.get(key)!.s) best.set(key, r);
        }
      }
    }
    const ref = best.get(`now|${MODES[0]}`)!;
    const same = [...best.values()].every((r) => r.hashes === ref.hashes);
    const mbps = (key: string): number => bytes / 1e6 / best.get(key)!.s;
    const steady = (key: string): number => bytes / 1e6 / (best.get(key)!.s - start.get(key)!);
    const [oldName] = versions[0]!;
    const rows = MODES.map((w) => {
      const o = `${oldName}|${w}`;
      const c = `now|${w}`;
      return [
        w === 0 ? 'inline (-w 0)' : `${w} worker${w > 1 ? 's' : ''}`,
        `${best.get(o)!.s.toFixed(2)} / ${best.get(c)!.s.toFixed(2)}`,
        `${best.get(o)!.cpu.toFixed(2)} / ${best.get(c)!.cpu.toFixed(2)}`,
        `${best.get(o)!.mainCpu.toFixed(2)} / ${best.get(c)!.mainCpu.toFixed(2)}`,
        `${mbps(o).toFixed(2)} / ${mbps(c).toFixed(2)}`,
        `${steady(o).toFixed(2)} / ${steady(c).toFixed(2)}`,
        (mbps(c) / mbps(o)).toFixed(2),
        `${(mbps(o) / mbps(`${oldName}|0`)).toFixed(2)} / ${(mbps(c) / mbps('now|0')).toFixed(2)}`,
      ];
    });
    console.log(`\n${(bytes / 1e6).toFixed(1)} MB of text, ${ref.docs} documents, ${ref.tokens} tokens incl. EOT; best of ${ROUNDS} interleaved rounds; shard docs ${SHARD_DOCS ?? 'default'}; ` +
      `every version and mode wrote the same bytes: ${same ? 'yes' : 'NO'}; load after ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
    console.log(table(
      ['mode', 'total s (before / now)', 'CPU s, all threads', 'CPU s, main thread', 'MB/s', 'MB/s after start cost', 'now x before', 'x inline (before / now)'],
      rows,
    ));
    if (!same) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
