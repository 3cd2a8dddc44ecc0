// The module specifiers a TypeScript/JavaScript source imports, read from its tokens so that comments and
// strings (a test fixture holding "import x from '...'", a doc comment) never count as imports.

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

const WORD_START = /[A-Za-z_$]/;
const WORD_CHAR = /[\w$]/;
// After these words a `/` starts a regular expression; after any other word it divides.
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/** Skips a quoted string or template starting at `at` (the quote); returns the index after it and its text. */
function readQuoted(src: string, at: number): [number, string] {
  const quote = src[at]!;
  let i = at + 1;
  let text = '';
  while (i < src.length && src[i] !== quote) {
    if (src[i] === '\\') {
      text += src[i + 1] ?? '';
      i += 2;
    } else if (quote === '`' && src.startsWith('${', i)) {
      i = skipBraces(src, i + 1);
      text += '${}'; // marks the template as not a literal specifier
    } else {
      text += src[i++];
    }
  }
  return [i + 1, text];
}

/** Skips a `{ ... }` expression (strings and templates inside included); returns the index after its `}`. */
function skipBraces(src: string, at: number): number {
  let depth = 0;
  let i = at;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"' || c === "'" || c === '`') i = readQuoted(src, i)[0];
    else {
      if (c === '{') depth++;
      else if (c === '}' && --depth === 0) return i + 1;
      i++;
    }
  }
  return i;
}

/** Skips a regular expression literal starting at `at` (its `/`), classes and escapes included. */
function skipRegex(src: string, at: number): number {
  let i = at + 1;
  let inClass = false;
  while (i < src.length && src[i] !== '\n') {
    const c = src[i]!;
    if (c === '\\') i++;
    else if (c === '[') inClass = true;
    else if (c === ']') inClass = false;
    else if (c === '/' && !inClass) break;
    i++;
  }
  i++;
  while (i < src.length && WORD_CHAR.test(src[i]!)) i++; // flags
  return i;
}

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (src.startsWith('//', i)) i = src.indexOf('\n', i) < 0 ? src.length : src.indexOf('\n', i);
    else if (src.startsWith('/*', i)) i = src.indexOf('*/', i + 2) < 0 ? src.length : src.indexOf('*/', i + 2) + 2;
    else if (c === '"' || c === "'" || c === '`') {
      const [end, text] = readQuoted(src, i);
      tokens.push({ kind: 'string', text: c === '`' && text.includes('${}') ? '' : text });
      i = end;
    } else if (WORD_START.test(c) || /[0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && WORD_CHAR.test(src[j]!)) j++;
      tokens.push({ kind: 'word', text: src.slice(i, j) });
      i = j;
    } else if (c === '/') {
      const prev = tokens[tokens.length - 1];
      const divides = prev !== undefined && (prev.kind === 'string' || (prev.kind === 'word' && !REGEX_AFTER_WORD.has(prev.text)) || /[)\]}]/.test(prev.text));
      if (divides) tokens.push({ kind: 'punct', text: c }), i++;
      else i = skipRegex(src, i);
    } else {
      tokens.push({ kind: 'punct', text: c });
      i++;
    }
  }
  return tokens;
}

const CODE_FILE = /\.(ts|mts|cts|js|mjs|cjs)$/;

/**
 * Every specifier the source imports: `import ... from 'x'`, `export ... from 'x'`, `import 'x'`,
 * `import('x')` and worker entries `new URL('./x.ts', import.meta.url)` (code files only; a URL to a data
 * file is not an import). Specifiers built at run time (template expressions) cannot be read and are skipped.
 */
export function importSpecifiers(source: string): string[] {
  const t = tokenize(source);
  const out: string[] = [];
  const is = (k: number, text: string) => t[k]?.text === text && t[k]!.kind !== 'string';
  const str = (k: number) => (t[k]?.kind === 'string' && t[k]!.text !== '' ? t[k]!.text : undefined);
  for (let k = 0; k < t.length; k++) {
    if (is(k, '.')) {
      k++; // a property named import/export/new is not a statement
      continue;
    }
    if (is(k, 'import') && str(k + 1)) out.push(str(k + 1)!);
    else if (is(k, 'import') && is(k + 1, '(') && str(k + 2) && (is(k + 3, ')') || is(k + 3, ',') || is(k + 3, 'as'))) out.push(str(k + 2)!);
    else if (is(k, 'import') || is(k, 'export')) {
      // The import/export clause: names, `type`, `as`, braces, commas and `*`, then `from 'x'`.
      let j = k + 1;
      while (t[j] && t[j]!.kind !== 'string' && (t[j]!.kind === 'word' || /^[{},*]$/.test(t[j]!.text)) && !(is(j, 'from') && str(j + 1))) j++;
      if (j > k + 1 && is(j, 'from') && str(j + 1)) out.push(str(j + 1)!);
    } else if (is(k, 'new') && is(k + 1, 'URL') && is(k + 2, '(') && str(k + 3) && is(k + 4, ',')
      && is(k + 5, 'import') && is(k + 6, '.') && is(k + 7, 'meta') && is(k + 8, '.') && is(k + 9, 'url') && is(k + 10, ')')) {
      if (CODE_FILE.test(str(k + 3)!)) out.push(str(k + 3)!);
    }
  }
  return out;
}
