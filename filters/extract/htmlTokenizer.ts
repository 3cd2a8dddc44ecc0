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

/** Fields and methods of htmlparser2 12's Tokenizer that the fast paths read or call. */
interface TokenizerInternals {
  buffer: string;
  index: number;
  offset: number;
  decodeEntities: boolean;
  fastForwardTo(c: number): boolean;
  stateText(c: number): void;
  handleInAttributeValue(c: number, quote: number): void;
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

export const FAST_TOKENIZER_ACTIVE =
  typeof stock.fastForwardTo === 'function' &&
  typeof stock.stateText === 'function' &&
  typeof stock.handleInAttributeValue === 'function';

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
    if (c === LT || c === AMP || !this.decodeEntities) return stateText.call(this, c);
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
}
