/**
 * htmlparser2's Tokenizer with its scanning loops replaced by native string search.
 *
 * The stock tokenizer looks at one character per call: in text (for "<" and "&"), in quoted
 * attribute values (for the quote and "&") and in script/style bodies (fastForwardTo("<"), a
 * charCodeAt loop). On the bench pages (24 KB of inline JS/CSS each) that scanning was ~40% of
 * the parse; String#indexOf and a sticky character-class regex do the same search natively:
 * 0.72x the stock parse time, same events (tests/extract.test.ts compares both).
 *
 * The overridden methods are internal to htmlparser2 (package.json pins 12.0.0). Each override
 * skips only characters on which the stock method would do nothing, then defers to it, so the
 * events are identical by construction. If a future version renames a method, the stock
 * tokenizer is used unchanged (FAST_TOKENIZER_ACTIVE tells which).
 */
import { Tokenizer } from 'htmlparser2';

const LT = 0x3c;
const AMP = 0x26;
const SLASH = 0x2f;

/** Fields and methods of htmlparser2 12's Tokenizer that the fast paths read or call. */
interface TokenizerInternals {
  buffer: string;
  index: number;
  offset: number;
  decodeEntities: boolean;
  xmlMode: boolean;
  isSpecial: boolean;
  running: boolean;
  fastForwardTo(c: number): boolean;
  stateText(c: number): void;
  handleInAttributeValue(c: number, quote: number): void;
  stateBeforeTagName(c: number): void;
  stateInTagName(c: number): void;
  stateBeforeClosingTagName(c: number): void;
  stateInClosingTagName(c: number): void;
}

export class FastTokenizer extends Tokenizer {}

const stock = Tokenizer.prototype as unknown as TokenizerInternals;
const fast = FastTokenizer.prototype as unknown as TokenizerInternals;
const TEXT_STOP = /[<&]/g;

/** Moves the index to just before the next match (the parse loop increments it), or to the end. */
function skipBefore(t: TokenizerInternals, found: number): void {
  t.index = (found >= 0 ? found : t.buffer.length) + t.offset - 1;
}

/** The next '&' at or after a position, remembered per buffer: searching afresh for each attribute
 * value scanned to the end of a page without '&' every time (quadratic in a tag of 90,000 attributes). */
interface AmpCache {
  ampBuffer?: string;
  /** Searched from ampFrom: the first '&' at or after it (-1: none to the end of ampBuffer). */
  ampFrom?: number;
  ampAt?: number;
}

function nextAmp(t: TokenizerInternals & AmpCache, from: number): number {
  if (t.ampBuffer === t.buffer && from >= t.ampFrom! && (t.ampAt! < 0 || from <= t.ampAt!)) return t.ampAt!;
  t.ampBuffer = t.buffer;
  t.ampFrom = from;
  t.ampAt = t.buffer.indexOf('&', from);
  return t.ampAt;
}

/** The first character at or after `from` that ends a tag name (htmlparser2's isEndOfTagSection:
 * "/", ">" or whitespace), or -1. */
function tagNameEnd(buffer: string, from: number): number {
  for (let i = from; i < buffer.length; i++) {
    const c = buffer.charCodeAt(i);
    if (c === 0x3e || c === 0x2f || c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0c || c === 0x0d) return i;
  }
  return -1;
}

const isAsciiAlpha = (c: number) => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);

export const FAST_TOKENIZER_ACTIVE =
  typeof stock.fastForwardTo === 'function' &&
  typeof stock.stateText === 'function' &&
  typeof stock.handleInAttributeValue === 'function' &&
  typeof stock.stateBeforeTagName === 'function' &&
  typeof stock.stateInTagName === 'function' &&
  typeof stock.stateBeforeClosingTagName === 'function' &&
  typeof stock.stateInClosingTagName === 'function';

if (FAST_TOKENIZER_ACTIVE) {
  fast.fastForwardTo = function (this: TokenizerInternals, c: number): boolean {
    const i = this.buffer.indexOf(String.fromCharCode(c), this.index + 1 - this.offset);
    skipBefore(this, i);
    if (i < 0) return false;
    this.index++;
    return true;
  };
  const stateText = stock.stateText;
  fast.stateText = function (this: TokenizerInternals, c: number): void {
    if (c === LT && this.decodeEntities) {
      // "<" then a name or "/name": the next states are run now, not one parse-loop turn each.
      stateText.call(this, c);
      const next = this.index + 1 - this.offset;
      if (!this.running || next >= this.buffer.length) return;
      const n = this.buffer.charCodeAt(next);
      if (isAsciiAlpha(n)) {
        this.index++;
        this.stateBeforeTagName(n);
      } else if (n === SLASH && next + 1 < this.buffer.length && isAsciiAlpha(this.buffer.charCodeAt(next + 1))) {
        this.index++;
        this.stateBeforeTagName(n); // to BeforeClosingTagName
        this.index++;
        this.stateBeforeClosingTagName(this.buffer.charCodeAt(next + 1));
      }
      return;
    }
    if (c === AMP || !this.decodeEntities) return stateText.call(this, c);
    // test(), not exec(): no match array per text run (the bulk of the garbage on tag-dense pages).
    TEXT_STOP.lastIndex = this.index + 1 - this.offset;
    skipBefore(this, TEXT_STOP.test(this.buffer) ? TEXT_STOP.lastIndex - 1 : -1);
  };
  const handleInAttributeValue = stock.handleInAttributeValue;
  fast.handleInAttributeValue = function (this: TokenizerInternals & AmpCache, c: number, quote: number): void {
    if (c === quote || c === AMP || !this.decodeEntities) return handleInAttributeValue.call(this, c, quote);
    const from = this.index + 1 - this.offset;
    const q = this.buffer.indexOf(String.fromCharCode(quote), from);
    const a = nextAmp(this, from);
    skipBefore(this, q < 0 ? a : a < 0 ? q : Math.min(q, a));
  };
  // A tag name: the stock tokenizer takes one parse-loop turn per character of it doing nothing until the
  // character that ends it; here the stock method starts the name (special tags such as <script>, and
  // foreign content, stay its own), the name is skipped natively and the stock method handles its end.
  const stateBeforeTagName = stock.stateBeforeTagName;
  fast.stateBeforeTagName = function (this: TokenizerInternals, c: number): void {
    stateBeforeTagName.call(this, c);
    if (this.xmlMode || this.isSpecial || !isAsciiAlpha(c)) return;
    const end = tagNameEnd(this.buffer, this.index + 1 - this.offset);
    if (end < 0) return;
    this.index = end + this.offset;
    this.stateInTagName(this.buffer.charCodeAt(end));
  };
  const stateBeforeClosingTagName = stock.stateBeforeClosingTagName;
  fast.stateBeforeClosingTagName = function (this: TokenizerInternals, c: number): void {
    stateBeforeClosingTagName.call(this, c);
    if (this.xmlMode || !isAsciiAlpha(c)) return;
    const end = tagNameEnd(this.buffer, this.index + 1 - this.offset);
    if (end < 0) return;
    this.index = end + this.offset;
    this.stateInClosingTagName(this.buffer.charCodeAt(end));
  };
}
