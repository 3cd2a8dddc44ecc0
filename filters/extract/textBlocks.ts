/**
 * The text blocks of a page in document order, as columns: a string and a few numbers per block, no
 * object per block. A page of 160,000 one-word blocks (never-closed <div>s) spent a third of its time
 * allocating and collecting block objects; the columns cost the same per block on every page.
 */
const HEADING = 1;
const IN_LIST = 2;
const BOILERPLATE = 4;

/** Blocks whose columns are kept from one page to the next (at most ~9 MB; see PageNodes' KEPT_ROWS). */
const KEPT_BLOCKS = 1 << 18;

export class TextBlocks {
  size = 0;
  /** Whitespace-collapsed text; `<br>` and newlines inside `<pre>` survive as "\n". Read below `size` only:
   * it keeps its storage from page to page like the columns. */
  text: string[] = new Array<string>(64);
  /** Length with Han/Kana/Hangul/Thai characters counted twice (words.ts weightedLength). */
  length = new Float64Array(64);
  /** Non-whitespace characters, and how many of them were inside a link. */
  chars = new Int32Array(64);
  linkChars = new Int32Array(64);
  commas = new Int32Array(64);
  /** Row of the innermost block-level element holding the text (-1: none). */
  node = new Int32Array(64);
  private flags = new Uint8Array(64);

  /** Empties the list for the next page, keeping its columns unless they grew past KEPT_BLOCKS. */
  reset(): this {
    if (this.node.length > KEPT_BLOCKS) Object.assign(this, new TextBlocks());
    // The texts may be slices of the last page's HTML: dropped, so that it can be collected.
    else this.text.fill('', 0, this.size);
    this.size = 0;
    return this;
  }

  add(text: string, length: number, chars: number, linkChars: number, commas: number, node: number, heading: boolean, inList: boolean): void {
    const i = this.size++;
    if (i === this.node.length) this.grow();
    this.text[i] = text;
    this.length[i] = length;
    this.chars[i] = chars;
    this.linkChars[i] = linkChars;
    this.commas[i] = commas;
    this.node[i] = node;
    this.flags[i] = (heading ? HEADING : 0) | (inList ? IN_LIST : 0);
  }

  /** The block came from h1-h6. */
  heading(i: number): boolean {
    return (this.flags[i]! & HEADING) !== 0;
  }

  /** Inside ul/ol. */
  inList(i: number): boolean {
    return (this.flags[i]! & IN_LIST) !== 0;
  }

  /** Inside a boilerplate container (nav, footer, cookie banner...). */
  boilerplate(i: number): boolean {
    return (this.flags[i]! & BOILERPLATE) !== 0;
  }

  setBoilerplate(i: number, on: boolean): void {
    this.flags[i] = on ? this.flags[i]! | BOILERPLATE : this.flags[i]! & ~BOILERPLATE;
  }

  /** Share of the block's characters inside links, weighted like its length. */
  linkLength(i: number): number {
    return this.chars[i] === 0 ? 0 : (this.length[i]! * this.linkChars[i]!) / this.chars[i]!;
  }

  private grow(): void {
    const n = this.node.length * 2;
    const wider = <T extends Float64Array | Int32Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const b = make(n);
      b.set(a);
      return b;
    };
    this.text.length = n;
    this.length = wider(this.length, (k) => new Float64Array(k));
    this.chars = wider(this.chars, (k) => new Int32Array(k));
    this.linkChars = wider(this.linkChars, (k) => new Int32Array(k));
    this.commas = wider(this.commas, (k) => new Int32Array(k));
    this.node = wider(this.node, (k) => new Int32Array(k));
    this.flags = wider(this.flags, (k) => new Uint8Array(k));
  }
}
