// Asterisk's `${...}` substitution and `$[...]` expressions, for the PBX model (pure). Substitution
// works inside out, like Asterisk: `${SA_SEEN_${SA_USER}}` first expands SA_USER, then looks up the
// result; `${DB(F/${X})}` expands the argument, then calls the function. Expressions support
// `| & = == != < > <= >= + - !`, parentheses and quoted strings; a comparison of two numbers is
// numeric, else textual; the result is "1"/"0" or the value.

export interface Scope {
  variable(name: string): string;
  call(fn: string, args: string): string;
}

export function substitute(text: string, scope: Scope): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '[')) {
      const open = text[i + 1] as '{' | '[';
      const close = open === '{' ? '}' : ']';
      let depth = 1;
      let j = i + 2;
      for (; j < text.length && depth > 0; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close) depth--;
      }
      const inner = substitute(text.slice(i + 2, j - 1), scope);
      out += open === '{' ? expand(inner, scope) : evaluate(inner);
      i = j - 1;
    } else out += c;
  }
  return out;
}

function expand(inner: string, scope: Scope): string {
  const call = /^([A-Za-z_][A-Za-z0-9_]*)\((.*)\)$/s.exec(inner);
  if (call) return scope.call((call[1] as string).toUpperCase(), call[2] as string);
  const sub = /^([^:]+):(-?\d+)(?::(-?\d+))?$/.exec(inner);
  if (sub) {
    const value = scope.variable(sub[1] as string);
    const from = Number(sub[2]);
    const start = from < 0 ? Math.max(0, value.length + from) : from;
    return sub[3] === undefined ? value.slice(start) : value.slice(start, start + Number(sub[3]));
  }
  return scope.variable(inner);
}

type Token = { kind: 'op'; v: string } | { kind: 'val'; v: string };

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      if (end < 0) throw new Error(`unterminated string in $[${text}]`);
      tokens.push({ kind: 'val', v: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (['!=', '<=', '>=', '=='].includes(two)) {
      tokens.push({ kind: 'op', v: two === '==' ? '=' : two });
      i += 2;
      continue;
    }
    if ('|&=<>+-!()'.includes(c)) {
      tokens.push({ kind: 'op', v: c });
      i++;
      continue;
    }
    let j = i;
    while (j < text.length && !/[\s"|&=<>+!()]/.test(text[j] as string) && text.slice(j, j + 2) !== '!=') j++;
    if (j === i) throw new Error(`unsupported character "${c}" in $[${text}]`);
    tokens.push({ kind: 'val', v: text.slice(i, j) });
    i = j;
  }
  return tokens;
}

const isNumber = (v: string): boolean => /^-?\d+(\.\d+)?$/.test(v);
const truthy = (v: string): boolean => v !== '' && v !== '0';

/** Evaluates the text of a `$[...]` (already substituted). */
export function evaluate(text: string): string {
  const tokens = tokenize(text);
  let pos = 0;
  const peek = (): Token | undefined => tokens[pos];
  const isOp = (v: string): boolean => peek()?.kind === 'op' && peek()?.v === v;
  const or = (): string => {
    let l = and();
    while (isOp('|')) {
      pos++;
      const r = and();
      l = truthy(l) ? l : truthy(r) ? r : '0';
    }
    return l;
  };
  const and = (): string => {
    let l = compare();
    while (isOp('&')) {
      pos++;
      const r = compare();
      l = truthy(l) && truthy(r) ? l : '0';
    }
    return l;
  };
  const compare = (): string => {
    let l = additive();
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op' || !['=', '!=', '<', '>', '<=', '>='].includes(t.v)) return l;
      pos++;
      const r = additive();
      const numeric = isNumber(l) && isNumber(r);
      const a: number | string = numeric ? Number(l) : l;
      const b: number | string = numeric ? Number(r) : r;
      const result =
        t.v === '='
          ? a === b
          : t.v === '!='
            ? a !== b
            : t.v === '<'
              ? a < b
              : t.v === '>'
                ? a > b
                : t.v === '<='
                  ? a <= b
                  : a >= b;
      l = result ? '1' : '0';
    }
  };
  const additive = (): string => {
    let l = unary();
    while (isOp('+') || isOp('-')) {
      const op = (tokens[pos++] as Token).v;
      const r = unary();
      l = String(op === '+' ? Number(l) + Number(r) : Number(l) - Number(r));
    }
    return l;
  };
  const unary = (): string => {
    if (isOp('!')) {
      pos++;
      return truthy(unary()) ? '0' : '1';
    }
    if (isOp('(')) {
      pos++;
      const v = or();
      if (!isOp(')')) throw new Error(`missing ) in $[${text}]`);
      pos++;
      return v;
    }
    const t = tokens[pos++];
    if (t === undefined) return '';
    if (t.kind !== 'val') throw new Error(`unexpected "${t.v}" in $[${text}]`);
    return t.v;
  };
  if (tokens.length === 0) return '';
  const v = or();
  if (pos < tokens.length) throw new Error(`cannot read $[${text}] past "${tokens[pos]?.v}"`);
  return v;
}

export { truthy as isTrue };
