/**
 * The block-level elements of a page as columns of typed arrays, one row per element in document
 * order (a parent's row comes before its children's). A page of 100,000 small elements allocated
 * 100,000 objects of 25 fields each before; here a row is a few numbers in arrays that double when
 * full, so building the table costs no garbage collection.
 */

/** Flags of a row. */
export const OWN_BOILERPLATE = 1;
export const CONTENT_MARKER = 2;
export const BOILERPLATE = 4;
export const DATA_TABLE = 8;

/** Per-row counts of the subtree (element kinds), summed into parents by sumCounts. */
export type CountColumn = 'paragraphs' | 'listItems' | 'images' | 'inputs' | 'embeds';
/** Per-row text totals of the subtree (weighted characters), summed into parents by sumTotals. */
export type TotalColumn = 'length' | 'linkLength' | 'commas' | 'headingLength' | 'listLength';

const COUNT_COLUMNS: readonly CountColumn[] = ['paragraphs', 'listItems', 'images', 'inputs', 'embeds'];
const TOTAL_COLUMNS: readonly TotalColumn[] = ['length', 'linkLength', 'commas', 'headingLength', 'listLength'];

/**
 * Rows whose columns are kept from one page to the next: 1 << 18 holds the most rows a page can have
 * (extract's maxNodes, 200,000, grown x4 from 64), so a thread that met a tag-dense page keeps ~22 MB
 * here instead of allocating it again for the next one. Allocating the columns anew per such page cost
 * a third of its time: garbage-collection runs forced by the external memory of the typed arrays.
 */
const KEPT_ROWS = 1 << 18;

export class PageNodes {
  size = 0;
  /** Read below `size` only (entries past it are stale or holes): it keeps its storage like the columns. */
  tag: string[] = new Array<string>(64);
  parent = new Int32Array(64);
  /** Readability-style weight of the class/id: +25 content-like, -25 boilerplate-like. */
  classWeight = new Int8Array(64);
  flags = new Uint8Array(64);
  /** The row's text blocks are blocks[firstBlock, endBlock). */
  firstBlock = new Int32Array(64);
  endBlock = new Int32Array(64);
  paragraphs = new Int32Array(64);
  listItems = new Int32Array(64);
  images = new Int32Array(64);
  inputs = new Int32Array(64);
  embeds = new Int32Array(64);
  /** Rows of a table (not summed). */
  rows = new Int32Array(64);
  length = new Float64Array(64);
  linkLength = new Float64Array(64);
  commas = new Float64Array(64);
  headingLength = new Float64Array(64);
  listLength = new Float64Array(64);

  /**
   * Empties the table for the next page, keeping its columns (allocating and collecting sixteen typed
   * arrays per page was a third of the time of tag-dense pages) unless they grew past KEPT_ROWS.
   */
  reset(): this {
    if (this.parent.length > KEPT_ROWS) Object.assign(this, new PageNodes());
    else {
      for (const c of COUNT_COLUMNS) this[c].fill(0, 0, this.size);
      for (const c of TOTAL_COLUMNS) this[c].fill(0, 0, this.size);
      this.rows.fill(0, 0, this.size);
    }
    this.size = 0;
    return this;
  }

  /** Appends a row; its counts and totals start at 0. */
  add(tag: string, parent: number, classWeight: number, flags: number, firstBlock: number): number {
    if (this.size === this.parent.length) this.grow();
    const i = this.size++;
    this.tag[i] = tag;
    this.parent[i] = parent;
    this.classWeight[i] = classWeight;
    this.flags[i] = flags;
    this.firstBlock[i] = this.endBlock[i] = firstBlock;
    if (tag === 'p') this.paragraphs[i] = 1;
    else if (tag === 'li') this.listItems[i] = 1;
    return i;
  }

  has(i: number, flag: number): boolean {
    return (this.flags[i]! & flag) !== 0;
  }

  set(i: number, flag: number, on: boolean): void {
    this.flags[i] = on ? this.flags[i]! | flag : this.flags[i]! & ~flag;
  }

  linkDensity(i: number): number {
    return this.length[i]! > 0 ? this.linkLength[i]! / this.length[i]! : 0;
  }

  /** Adds every row's counts and totals into its parent (children come after parents: one reverse
   * pass, reading each parent index once for all ten columns). */
  sumSubtrees(): void {
    const { parent, paragraphs, listItems, images, inputs, embeds, length, linkLength, commas, headingLength, listLength } = this;
    for (let i = this.size - 1; i >= 0; i--) {
      const p = parent[i]!;
      if (p < 0) continue;
      paragraphs[p] += paragraphs[i]!;
      listItems[p] += listItems[i]!;
      images[p] += images[i]!;
      inputs[p] += inputs[i]!;
      embeds[p] += embeds[i]!;
      length[p] += length[i]!;
      linkLength[p] += linkLength[i]!;
      commas[p] += commas[i]!;
      headingLength[p] += headingLength[i]!;
      listLength[p] += listLength[i]!;
    }
  }

  /** Zeroes a row's own counts (its element kinds inside boilerplate do not count). */
  clearCounts(i: number): void {
    for (const c of COUNT_COLUMNS) this[c][i] = 0;
  }

  private grow(): void {
    // x4: fewer copies of the sixteen columns on tag-dense pages.
    const n = this.parent.length * 4;
    const grown = <T extends Int32Array | Int8Array | Uint8Array | Float64Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.parent = grown(this.parent);
    this.tag.length = n;
    this.classWeight = grown(this.classWeight);
    this.flags = grown(this.flags);
    this.firstBlock = grown(this.firstBlock);
    this.endBlock = grown(this.endBlock);
    this.rows = grown(this.rows);
    for (const c of COUNT_COLUMNS) this[c] = grown(this[c]);
    for (const c of TOTAL_COLUMNS) this[c] = grown(this[c]);
  }
}
