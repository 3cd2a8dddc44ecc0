import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** File names of one rank's output; ranks never write each other's files. */
export class OutputLayout {
  readonly suffix: string;
  constructor(
    readonly dir: string,
    readonly rank: number,
    readonly worldSize: number,
  ) {
    this.suffix = worldSize > 1 ? `-r${rank}` : '';
  }
  private num(n: number): string {
    return String(n).padStart(5, '0');
  }
  docsShard(n: number): string {
    return `docs${this.suffix}-${this.num(n)}.parquet`;
  }
  rejectedShard(n: number): string {
    return `rejected${this.suffix}-${this.num(n)}.parquet`;
  }
  stateFile(n: number): string {
    return `state/coordinator${this.suffix}-${this.num(n)}.bin`;
  }
  get journal(): string {
    return join(this.dir, `state/journal${this.suffix}.jsonl`);
  }
  get runInfo(): string {
    return join(this.dir, `state/run${this.suffix}.json`);
  }
  get manifest(): string {
    return join(this.dir, this.worldSize > 1 ? `manifest${this.suffix}.json` : 'manifest.json');
  }
  get stats(): string {
    return join(this.dir, this.worldSize > 1 ? `stats${this.suffix}.json` : 'stats.json');
  }
  async ensure(): Promise<void> {
    await mkdir(join(this.dir, 'state'), { recursive: true });
  }
  /** Deletes this rank's files that the journal does not list (leftovers of a crashed run). */
  async removeUncommitted(committed: Set<string>): Promise<string[]> {
    const removed: string[] = [];
    const mine = new RegExp(`^(\\.)?(docs|rejected|coordinator)${this.suffix}-\\d{5}\\.(parquet|bin)(\\.\\d+\\.tmp)?$`);
    const temp = new RegExp(`^\\.(manifest|stats|journal|run)${this.suffix}\\.jsonl?\\.\\d+\\.tmp$`);
    for (const sub of ['', 'state']) {
      for (const name of await readdir(join(this.dir, sub)).catch(() => [] as string[])) {
        const rel = sub ? `${sub}/${name}` : name;
        if ((mine.test(name) && !committed.has(rel)) || temp.test(name)) {
          await rm(join(this.dir, rel), { force: true });
          removed.push(rel);
        }
      }
    }
    return removed;
  }
}
