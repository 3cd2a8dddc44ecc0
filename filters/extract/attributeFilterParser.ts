/**
 * htmlparser2's Parser reporting only the attributes a handler reads.
 *
 * The stock parser slices and lower-cases every attribute name and builds every value (hrefs, srcs,
 * data-* blobs) before offering it to `onattribute`. The extractor reads seven names (class, id, role,
 * style, hidden, aria-hidden, aria-modal), and none inside a subtree it already skips. Here a name
 * of another length is dropped without a string, the others are compared after lower-casing as the
 * stock parser does, and a dropped attribute's value is never built. Events for the names kept are
 * identical to the stock parser's (tests/extract.test.ts compares both).
 *
 * Like htmlTokenizer.ts this overrides htmlparser2 12.0.0 internals; when they are missing the stock
 * methods run unchanged (ATTRIBUTE_FILTER_ACTIVE tells which).
 */
import { Parser, type Handler, type ParserOptions } from 'htmlparser2';

/** Fields and methods of htmlparser2 12's Parser that the filter reads or calls. */
interface ParserInternals {
  startIndex: number;
  endIndex: number;
  attribname: string;
  attribvalue: string;
  lowerCaseAttributeNames: boolean;
  getSlice(start: number, end: number): string;
  onattribname(start: number, end: number): void;
  onattribdata(start: number, end: number): void;
  onattribentity(cp: number): void;
  onattribend(quote: number, endIndex: number): void;
}

/** Stands in for a dropped attribute's name (any string outside the handler's names would do). */
const DROPPED = '\u0000dropped';

export class AttributeFilterParser extends Parser {
  /** Cleared by the handler while no attribute can matter (inside a subtree it skips). */
  wantAttributes = true;
  private readonly lengths: ReadonlySet<number>;

  constructor(
    cbs: Partial<Handler>,
    options: ParserOptions,
    private readonly names: ReadonlySet<string>,
  ) {
    super(cbs, options);
    this.lengths = new Set([...names].map((n) => n.length));
  }
}

const stock = Parser.prototype as unknown as ParserInternals;
const filtered = AttributeFilterParser.prototype as unknown as ParserInternals & {
  wantAttributes: boolean;
  names: ReadonlySet<string>;
  lengths: ReadonlySet<number>;
};

export const ATTRIBUTE_FILTER_ACTIVE = (['getSlice', 'onattribname', 'onattribdata', 'onattribentity', 'onattribend'] as const).every(
  (m) => typeof stock[m] === 'function',
);

if (ATTRIBUTE_FILTER_ACTIVE) {
  const { onattribname, onattribdata, onattribentity, onattribend } = stock;
  filtered.onattribname = function (this: typeof filtered, start: number, end: number): void {
    if (!this.wantAttributes || !this.lengths.has(end - start)) {
      this.startIndex = start;
      this.attribname = DROPPED;
      return;
    }
    onattribname.call(this, start, end);
    if (!this.names.has(this.attribname)) this.attribname = DROPPED;
  };
  filtered.onattribdata = function (this: ParserInternals, start: number, end: number): void {
    if (this.attribname !== DROPPED) onattribdata.call(this, start, end);
  };
  filtered.onattribentity = function (this: ParserInternals, cp: number): void {
    if (this.attribname !== DROPPED) onattribentity.call(this, cp);
  };
  filtered.onattribend = function (this: ParserInternals, quote: number, endIndex: number): void {
    if (this.attribname !== DROPPED) return onattribend.call(this, quote, endIndex);
    this.endIndex = endIndex;
    this.attribvalue = '';
  };
}
