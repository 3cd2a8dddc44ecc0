/**
 * PII redaction: e-mail addresses, phone numbers, IPv4/IPv6 addresses and payment-card numbers
 * are replaced by `<EMAIL>`, `<PHONE>`, `<IP_ADDRESS>`, `<CREDIT_CARD>`; counts go to the
 * counters `pii.email`, `pii.phone`, `pii.ip_address`, `pii.credit_card`.
 *
 * Precision over recall: ordinary numbers, dates, times, versions, prices and ISBNs must survive,
 * so every pattern needs structure a number alone lacks (an @, a leading + or trunk 0 with
 * separators, 4 dotted octets, a Luhn-valid card with a known issuer prefix). As in datatrove's
 * PIIFormatter, only public IP addresses are redacted by default: 127.0.0.1 or 192.168.0.1 in a
 * tutorial identify nobody.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { addCount, defineFilterStep } from '../filterStep.js';

const Options = z.object({
  email: z.boolean().default(true),
  phone: z.boolean().default(true),
  ipAddress: z.boolean().default(true),
  creditCard: z.boolean().default(true),
  /** Redact only globally routable IPs (datatrove's default); false also redacts private/loopback ones. */
  onlyPublicIps: z.boolean().default(true),
});
export type PiiOptions = z.output<typeof Options>;

export type PiiKind = 'email' | 'phone' | 'ip_address' | 'credit_card';
const PLACEHOLDER: Record<PiiKind, string> = { email: '<EMAIL>', phone: '<PHONE>', ip_address: '<IP_ADDRESS>', credit_card: '<CREDIT_CARD>' };
/** The step's counter per kind, in the order stats.json lists them. */
const COUNTER: Record<PiiKind, string> = { email: 'pii.email', phone: 'pii.phone', ip_address: 'pii.ip_address', credit_card: 'pii.credit_card' };
const KINDS = Object.keys(COUNTER) as PiiKind[];

const EMAIL = /(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,63})@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])/g;
// 13-19 digits, optionally in groups split by one consistent space or dash.
const CARD = /(?<![\d.,-])(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -]?)\d{6}\2\d{4,5})(?![\d.,]?\d)/g;
const IPV4 = /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w]|\.\d)/g;
const IPV6 = /(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{0,4}|(?:\d{1,3}\.){3}\d{1,3})(?![\w:.])/g;
// "+44 20 7946 0958", "+1 (415) 555-2671", "+33 1 23 45 67 89", "+4930123456": one flat character
// class (no nested quantifiers, so no catastrophic backtracking on long digit runs); the shape is
// checked by isInternationalPhone.
const PHONE_INTL = /(?<![\w+])\+\d[\d ().-]{6,24}\d(?![\w]|[.-]\d)/g;
// North America: "(415) 555-2671", "415-555-2671", "415.555.2671", "1-800-555-0199" (area and
// exchange start 2-9).
// Without parentheses both separators must agree, so "pages 200-300 2004" is not a phone.
const PHONE_NANP = /(?<![\w.+-])(?:1[-. ]?)?(?:\([2-9]\d{2}\) ?[2-9]\d{2}[-. ]\d{4}|[2-9]\d{2}([-.])[2-9]\d{2}\1\d{4})(?![\w]|[-.]\d)/g;
// Trunk-prefix national numbers: "020 7946 0958", "030 12345678", "01 23 45 67 89", "0171/1234567".
const PHONE_NATIONAL = /(?<![\w.+\/-])0\d{1,4}(?:[ \/-]\d{2,8}){1,4}(?![\w]|[.\/-]\d)/g;

/** Luhn checksum over the digits of s. */
export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** Issuer prefixes with their card lengths (Visa, Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro). */
function knownIssuer(d: string): boolean {
  const n = d.length;
  const p2 = +d.slice(0, 2);
  const p4 = +d.slice(0, 4);
  if (d[0] === '4') return n === 13 || n === 16 || n === 19;
  if ((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) return n === 16;
  if (p2 === 34 || p2 === 37) return n === 15;
  if (d.startsWith('6011') || p2 === 65 || (+d.slice(0, 3) >= 644 && +d.slice(0, 3) <= 649)) return n >= 16;
  if (p2 === 36 || p2 === 38 || (+d.slice(0, 3) >= 300 && +d.slice(0, 3) <= 305)) return n >= 14;
  if (p4 >= 3528 && p4 <= 3589) return n >= 16;
  if (p2 === 62) return n >= 16;
  if (p2 === 50 || (p2 >= 56 && p2 <= 69)) return n >= 12;
  return false;
}

export function isCreditCard(candidate: string): boolean {
  const d = candidate.replace(/[ -]/g, '');
  return d.length >= 13 && d.length <= 19 && knownIssuer(d) && luhnValid(d);
}

/** True for addresses that identify a host on the public Internet (not private, loopback, documentation...). */
export function isPublicIp(ip: string): boolean {
  const v = isIP(ip);
  if (v === 4) {
    const [a, b, c] = ip.split('.').map(Number) as [number, number, number, number];
    if (a === 0 || a === 10 || a === 127 || a >= 224) return false;
    if (a === 100 && b >= 64 && b <= 127) return false; // carrier-grade NAT
    if (a === 169 && b === 254) return false;
    if (a === 172 && b >= 16 && b <= 31) return false;
    if (a === 192 && b === 168) return false;
    if ((a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19)) || (a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return false;
    return true;
  }
  if (v === 6) {
    const s = ip.toLowerCase();
    if (s === '::' || s === '::1' || s.startsWith('fe8') || s.startsWith('fe9') || s.startsWith('fea') || s.startsWith('feb')) return false;
    if (/^f[cd]/.test(s) || s.startsWith('ff') || s.startsWith('2001:db8') || s.startsWith('::ffff:')) return false;
    return true;
  }
  return false;
}

const VERSION_BEFORE = /\b(?:v|version|ver\.?|release|build|rev\.?)\s*$/i;
const ISBN_BEFORE = /isbn(?:-1[03])?:?\s*$/i;

function digitsIn(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) n++;
  return n;
}

/** E.164 length (8-15 digits), single separators, at most one balanced (area code) group. */
function isInternationalPhone(s: string): boolean {
  const n = digitsIn(s);
  if (n < 8 || n > 15) return false;
  if (/[ .-]{2}|\([^\d]|[^\d]\)|\(.*\(|\).*\)/.test(s.replace(/\) /g, ')').replace(/ \(/g, '('))) return false;
  return (s.match(/\(/g)?.length ?? 0) === (s.match(/\)/g)?.length ?? 0);
}

function isDateLike(s: string): boolean {
  // "2023-01-15", "15/01/2023", "01-02-2023": a year in the first or last group with day/month parts.
  const groups = s.split(/[ .\/-]+/);
  if (groups.length !== 3) return false;
  const y = (g: string) => g.length === 4 && +g >= 1000 && +g <= 2999;
  const dm = (g: string) => g.length <= 2 && +g >= 1 && +g <= 31;
  return (y(groups[0]!) && dm(groups[1]!) && dm(groups[2]!)) || (dm(groups[0]!) && dm(groups[1]!) && y(groups[2]!));
}

/** Redacts PII in one text; returns the new text and how many of each kind were replaced. */
export function redactPii(text: string, options: PiiOptions): { text: string; counts: Record<PiiKind, number> } {
  const counts: Record<PiiKind, number> = { email: 0, phone: 0, ip_address: 0, credit_card: 0 };
  const put = (kind: PiiKind) => {
    counts[kind]++;
    return PLACEHOLDER[kind];
  };
  let t = text;
  if (options.email && t.includes('@')) t = t.replace(EMAIL, () => put('email'));
  if (options.creditCard) t = t.replace(CARD, (m) => (isCreditCard(m) ? put('credit_card') : m));
  if (options.ipAddress) {
    t = t.replace(IPV4, (m, offset: number, all: string) => {
      if (VERSION_BEFORE.test(all.slice(Math.max(0, offset - 12), offset))) return m;
      return !options.onlyPublicIps || isPublicIp(m) ? put('ip_address') : m;
    });
    if (t.includes('::') || /[0-9a-f]{1,4}:[0-9a-f]{1,4}:[0-9a-f]{1,4}:/i.test(t)) {
      // isIP rejects times (12:30:45) and MAC addresses (6 groups, no "::"); 3+ groups rules out
      // identifiers such as "a::b" or "Foo::Bar" that are formally valid addresses.
      t = t.replace(IPV6, (m) =>
        isIP(m) === 6 && m.split(':').filter(Boolean).length >= 3 && (!options.onlyPublicIps || isPublicIp(m)) ? put('ip_address') : m,
      );
    }
  }
  if (options.phone) {
    t = t.replace(PHONE_INTL, (m) => (isInternationalPhone(m) ? put('phone') : m));
    t = t.replace(PHONE_NANP, () => put('phone'));
    t = t.replace(PHONE_NATIONAL, (m, offset: number, all: string) => {
      const n = digitsIn(m);
      if (n < 9 || n > 12 || isDateLike(m)) return m;
      if (ISBN_BEFORE.test(all.slice(Math.max(0, offset - 10), offset))) return m;
      return put('phone');
    });
  }
  return { text: t, counts };
}

export const piiStep = defineFilterStep({
  name: 'pii',
  description: 'Replaces e-mails, phone numbers, public IPs and Luhn-valid card numbers with <EMAIL>, <PHONE>, <IP_ADDRESS>, <CREDIT_CARD>',
  options: Options,
  rule: (options) => ({
    kind: 'map',
    counters: KINDS.map((k) => COUNTER[k]),
    omitZeroCounters: true,
    decide(doc, counters) {
      const r = redactPii(doc.text, options);
      let changed = false;
      for (const k of KINDS) {
        if (r.counts[k] === 0) continue;
        addCount(counters, COUNTER[k], r.counts[k]);
        changed = true;
      }
      return changed ? { ...doc, text: r.text } : doc;
    },
  }),
});
