// Finds the regular expressions of a set of source files with the TypeScript 7 compiler API (tests/regex-safety.test.ts):
// regex literals, and `new RegExp(...)` / `RegExp(...)` calls whose pattern can be read statically.
import assert from 'node:assert/strict';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { API } from 'typescript/unstable/sync';
import {
  isArrayLiteralExpression,
  isAsExpression,
  isBinaryExpression,
  isCallExpression,
  isElementAccessExpression,
  isIdentifier,
  isNewExpression,
  isNoSubstitutionTemplateLiteral,
  isNonNullExpression,
  isObjectLiteralExpression,
  isParenthesizedExpression,
  isPropertyAccessExpression,
  isPropertyAssignment,
  isRegularExpressionLiteral,
  isSatisfiesExpression,
  isSpreadElement,
  isStringLiteral,
  isTaggedTemplateExpression,
  isTemplateExpression,
  isVariableDeclaration,
  isVariableDeclarationList,
} from 'typescript/unstable/ast/is';
import { NodeFlags, SyntaxKind, type Expression, type Node, type SourceFile } from 'typescript/unstable/ast';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface RegexSite {
  file: string;
  line: number;
  /** 'literal' (`/.../`), 'RegExp' (a constructor call read statically), 'dynamic' (pattern not readable). */
  kind: 'literal' | 'RegExp' | 'dynamic';
  pattern?: string;
  flags?: string;
  /** The source text of a RegExp call. */
  expr?: string;
}


/**
 * Parses files (absolute path -> text) with the TypeScript 7 API and returns the regex sites of each. The texts are
 * served through the API's virtual file system, with a generated tsconfig naming exactly these files.
 */
export function findRegexSites(files: ReadonlyMap<string, string>): RegexSite[] {
  const config = join(ROOT, '.regex-safety.tsconfig.json');
  const configText = JSON.stringify({
    compilerOptions: { allowJs: true, noLib: true, noResolve: true, types: [], noEmit: true },
    files: [...files.keys()],
  });
  const api = new API({
    cwd: ROOT,
    fs: {
      readFile: (name) => (name === config ? configText : files.get(name)),
      fileExists: (name) => (name === config || files.has(name) ? true : undefined),
    },
  });
  const sites: RegexSite[] = [];
  try {
    const snapshot = api.updateSnapshot({ openProjects: [config] });
    const project = snapshot.getProject(config) ?? snapshot.getProjects()[0];
    assert.ok(project, 'the TypeScript API opened no project');
    for (const name of files.keys()) {
      const sf = project.program.getSourceFile(name);
      assert.ok(sf, `the TypeScript API did not parse ${name}`);
      sites.push(...regexSitesOf(sf, relative(ROOT, name)));
    }
  } finally {
    api.close();
  }
  return sites;
}

function regexSitesOf(sf: SourceFile, file: string): RegexSite[] {
  const sites: RegexSite[] = [];
  const consts = constDeclarations(sf);
  const lineOf = (node: Node): number => sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
  const visit = (node: Node): void => {
    if (isRegularExpressionLiteral(node)) {
      const { pattern, flags } = splitLiteral(node.text);
      sites.push({ file, line: lineOf(node), kind: 'literal', pattern, flags });
    } else if ((isNewExpression(node) || isCallExpression(node)) && isRegExpCallee(node.expression)) {
      const args = node.arguments ?? [];
      const expr = node.getText(sf).replace(/\s+/g, ' ');
      const ev = new Evaluator(consts);
      const pattern = args[0] ? ev.eval(args[0]) : '';
      const flags = args[1] ? ev.eval(args[1]) : '';
      const p = pattern instanceof RegExp ? pattern.source : pattern;
      const f = flags === undefined && pattern instanceof RegExp && !args[1] ? pattern.flags : flags;
      if (typeof p === 'string' && typeof f === 'string') sites.push({ file, line: lineOf(node), kind: 'RegExp', pattern: p, flags: f, expr });
      else sites.push({ file, line: lineOf(node), kind: 'dynamic', expr });
    }
    node.forEachChild(visit);
  };
  visit(sf);
  return sites;
}

function isRegExpCallee(e: Expression): boolean {
  if (isIdentifier(e)) return e.text === 'RegExp';
  // globalThis.RegExp / window.RegExp
  return isPropertyAccessExpression(e) && isIdentifier(e.name) && e.name.text === 'RegExp' && isIdentifier(e.expression) && ['globalThis', 'window', 'self'].includes(e.expression.text);
}

function splitLiteral(text: string): { pattern: string; flags: string } {
  const end = text.lastIndexOf('/');
  return { pattern: text.slice(1, end), flags: text.slice(end + 1) };
}

/** `const` declarations of the file by name (a name declared more than once is left out: it is ambiguous). */
function constDeclarations(sf: SourceFile): Map<string, Expression> {
  const found = new Map<string, Expression | null>();
  const visit = (node: Node): void => {
    if (isVariableDeclaration(node) && isIdentifier(node.name)) {
      const list = node.parent;
      const isConst = isVariableDeclarationList(list) && (list.flags & NodeFlags.Const) !== 0;
      const name = node.name.text;
      found.set(name, found.has(name) || !isConst || !node.initializer ? null : node.initializer);
    }
    node.forEachChild(visit);
  };
  visit(sf);
  const out = new Map<string, Expression>();
  for (const [k, v] of found) if (v) out.set(k, v);
  return out;
}

type Value = string | number | RegExp | Value[] | { [k: string]: Value };

/** Static evaluation of the constant expressions a pattern is built from; undefined where it cannot. */
class Evaluator {
  private depth = 0;
  constructor(private readonly consts: ReadonlyMap<string, Expression>) {}

  eval(e: Expression): Value | undefined {
    if (++this.depth > 50) return undefined; // a const defined in terms of itself
    try {
      return this.evalInner(e);
    } finally {
      this.depth--;
    }
  }

  private evalInner(e: Expression): Value | undefined {
    if (isStringLiteral(e) || isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (e.kind === SyntaxKind.NumericLiteral) return Number((e as Expression & { text: string }).text);
    if (isRegularExpressionLiteral(e)) {
      const { pattern, flags } = splitLiteral(e.text);
      return new RegExp(pattern, flags);
    }
    if (isParenthesizedExpression(e) || isAsExpression(e) || isSatisfiesExpression(e) || isNonNullExpression(e)) return this.eval(e.expression);
    if (isIdentifier(e)) {
      const init = this.consts.get(e.text);
      return init ? this.eval(init) : undefined;
    }
    if (isTemplateExpression(e)) {
      let s = e.head.text;
      for (const span of e.templateSpans) {
        const v = this.eval(span.expression);
        if (typeof v !== 'string' && typeof v !== 'number') return undefined;
        s += String(v) + span.literal.text;
      }
      return s;
    }
    if (isTaggedTemplateExpression(e)) {
      // String.raw`...` without substitutions
      const t = e.template;
      const tag = e.tag;
      if (isNoSubstitutionTemplateLiteral(t) && isPropertyAccessExpression(tag) && isIdentifier(tag.expression) && tag.expression.text === 'String' && tag.name.text === 'raw') {
        return t.rawText ?? undefined;
      }
      return undefined;
    }
    if (isBinaryExpression(e) && e.operatorToken.kind === SyntaxKind.PlusToken) {
      const l = this.eval(e.left);
      const r = this.eval(e.right);
      if ((typeof l === 'string' || typeof l === 'number') && (typeof r === 'string' || typeof r === 'number')) return (l as string) + (r as string);
      return undefined;
    }
    if (isArrayLiteralExpression(e)) {
      const out: Value[] = [];
      for (const el of e.elements) {
        if (isSpreadElement(el)) {
          const v = this.eval(el.expression);
          if (!Array.isArray(v)) return undefined;
          out.push(...v);
        } else {
          const v = this.eval(el);
          if (v === undefined) return undefined;
          out.push(v);
        }
      }
      return out;
    }
    if (isObjectLiteralExpression(e)) {
      const out: { [k: string]: Value } = {};
      for (const p of e.properties) {
        if (!isPropertyAssignment(p) || !(isIdentifier(p.name) || isStringLiteral(p.name))) continue;
        const v = this.eval(p.initializer);
        if (v !== undefined) out[p.name.text] = v;
      }
      return out;
    }
    if (isPropertyAccessExpression(e) || isElementAccessExpression(e)) {
      const obj = this.eval(e.expression);
      const key = isPropertyAccessExpression(e) ? e.name.text : this.eval(e.argumentExpression);
      if (obj === undefined || (typeof key !== 'string' && typeof key !== 'number')) return undefined;
      if (obj instanceof RegExp) return key === 'source' ? obj.source : key === 'flags' ? obj.flags : undefined;
      if (typeof obj === 'string') return key === 'length' ? obj.length : typeof key === 'number' ? obj[key] : undefined;
      if (Array.isArray(obj)) return key === 'length' ? obj.length : typeof key === 'number' ? obj[key] : undefined;
      if (typeof obj === 'object' && Object.hasOwn(obj, key)) return obj[key];
      return undefined;
    }
    if (isCallExpression(e) && isPropertyAccessExpression(e.expression)) {
      const target = this.eval(e.expression.expression);
      const method = e.expression.name.text;
      const args: Value[] = [];
      for (const a of e.arguments) {
        const v = this.eval(a);
        if (v === undefined) return undefined;
        args.push(v);
      }
      if (Array.isArray(target) && method === 'join' && args.length <= 1 && (args[0] === undefined || typeof args[0] === 'string')) {
        return target.every((x) => typeof x === 'string' || typeof x === 'number') ? target.join(args[0] as string | undefined) : undefined;
      }
      const STRING_METHODS = ['replace', 'replaceAll', 'slice', 'substring', 'trim', 'toLowerCase', 'toUpperCase', 'concat', 'repeat', 'normalize'];
      if (typeof target === 'string' && STRING_METHODS.includes(method) && args.every((a) => typeof a === 'string' || typeof a === 'number' || a instanceof RegExp)) {
        return (String.prototype as unknown as Record<string, (...a: unknown[]) => string>)[method]!.apply(target, args);
      }
      return undefined;
    }
    return undefined;
  }
}
