/**
 * Repair of the most common mojibake: UTF-8 bytes that were decoded as Windows-1252 (or Latin-1),
 * e.g. "cafÃ©" for "café", "â€™" for "’". Each suspicious run is re-encoded to the bytes it was
 * decoded from and accepted only if those bytes are valid UTF-8, so ordinary Latin-1 text
 * ("Ärger", "àé") is left alone.
 */

// Windows-1252 bytes 0x80-0x9F -> the characters Windows shows for them.
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const BYTE_OF = new Map<string, number>();
for (let i = 0; i < 32; i++) BYTE_OF.set(CP1252_HIGH[i]!, 0x80 + i);
for (let b = 0x80; b <= 0x9f; b++) if (!BYTE_OF.has(String.fromCharCode(b))) BYTE_OF.set(String.fromCharCode(b), b);
for (let b = 0xa0; b <= 0xff; b++) BYTE_OF.set(String.fromCharCode(b), b);

const CONT = `[\\u0080-\\u00BF${CP1252_HIGH.replace(/[\u0080-\u009f]/g, '')}]`;
// A UTF-8 lead byte (0xC2-0xF4 shown as Â..ô) followed by one to three continuation bytes.
const SUSPECT = new RegExp(`[\\u00C2-\\u00F4]${CONT}{1,3}`, 'g');
const QUICK = /[\u00C2-\u00F4]/;
const decoder = new TextDecoder('utf-8', { fatal: true });
// Letters of real alphabets; ª º µ count as symbols (they are continuation bytes of common CJK mojibake).
const LETTER = /[^\P{L}ªºµ]/u;

function continuationCount(lead: number): number {
  if (lead < 0xe0) return 1;
  if (lead < 0xf0) return 2;
  return 3;
}

function repairRun(run: string): string {
  const chars = [...run];
  const lead = BYTE_OF.get(chars[0]!)!;
  const need = continuationCount(lead);
  if (chars.length - 1 < need) return run;
  // A lowercase lead (à-ô) followed only by letters reads as a real word ("áššiid" in Sámi, Czech
  // "čášž"); true mojibake continuations are mostly symbols (Ã©, â€™, ä¸­, á»Ÿ).
  if (lead >= 0xe0 && chars.slice(1, need + 1).every((c) => LETTER.test(c))) return run;
  const bytes = new Uint8Array(need + 1);
  for (let i = 0; i <= need; i++) bytes[i] = BYTE_OF.get(chars[i]!)!;
  try {
    return decoder.decode(bytes) + chars.slice(need + 1).join('');
  } catch {
    return run; // not valid UTF-8: genuine Latin-1 text, keep it
  }
}

/** Repairs UTF-8-as-Windows-1252 mojibake; also undoes it when it was applied twice. */
export function fixMojibake(text: string): string {
  if (!QUICK.test(text)) return text;
  let out = text;
  for (let pass = 0; pass < 3; pass++) {
    const next = out.replace(SUSPECT, repairRun);
    if (next === out) break;
    out = next;
  }
  return out;
}
