// The subset of Asterisk's extensions.conf that our dialplan and the PBX models use, parsed into
// contexts of extensions of numbered, labelled steps (pure). Covers `[context]`, `exten =>`,
// `same =>`, priorities `1`/`n`/`n(label)`, `;` comments (`\;` kept), `[globals]` and pattern
// matching (`_X.`, `_NXX`, `[0-9a-z*#+]`, `.`, `!`), with exact extensions before patterns.

export interface Step {
  readonly app: string;
  readonly args: string;
  /** `file:line`, for traces and errors */
  readonly where: string;
}

export interface Extension {
  readonly pattern: string;
  readonly steps: Map<number, Step>;
  readonly labels: Map<string, number>;
}

export interface Dialplan {
  readonly contexts: Map<string, Extension[]>;
  readonly globals: Map<string, string>;
}

export class DialplanSyntaxError extends Error {}

/** Parses one or more files into one dialplan (later files add contexts and globals). */
export function parseDialplan(files: readonly { name: string; text: string }[]): Dialplan {
  const contexts = new Map<string, Extension[]>();
  const globals = new Map<string, string>();
  for (const { name, text } of files) {
    let context = '';
    let current: Extension | undefined;
    let lastPriority = 0;
    text.split(/\r?\n/).forEach((raw, i) => {
      const where = `${name}:${i + 1}`;
      const line = stripComment(raw).trim();
      if (line === '') return;
      const header = /^\[([^\]]+)\]/.exec(line);
      if (header) {
        context = (header[1] as string).trim();
        if (context !== 'globals' && !contexts.has(context)) contexts.set(context, []);
        current = undefined;
        return;
      }
      if (context === 'globals') {
        const eq = line.indexOf('=');
        if (eq > 0) globals.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
        return;
      }
      const m = /^(exten|same)\s*=>?\s*(.*)$/.exec(line);
      if (!m || context === '') throw new DialplanSyntaxError(`${where}: cannot read "${raw.trim()}"`);
      let rest = m[2] as string;
      if (m[1] === 'exten') {
        const comma = rest.indexOf(',');
        const pattern = rest.slice(0, comma).trim();
        rest = rest.slice(comma + 1);
        const list = contexts.get(context) as Extension[];
        current = list.find((e) => e.pattern === pattern);
        if (!current) {
          current = { pattern, steps: new Map(), labels: new Map() };
          list.push(current);
        }
      } else if (!current) throw new DialplanSyntaxError(`${where}: "same" before any "exten"`);
      const comma = rest.indexOf(',');
      const prio = rest.slice(0, comma).trim();
      const body = rest.slice(comma + 1).trim();
      const p = /^(\d+|n)(?:\(([^)]+)\))?$/.exec(prio);
      if (!p) throw new DialplanSyntaxError(`${where}: bad priority "${prio}"`);
      const priority = p[1] === 'n' ? lastPriority + 1 : Number(p[1]);
      lastPriority = priority;
      if (p[2]) current.labels.set(p[2], priority);
      const open = body.indexOf('(');
      const app = (open < 0 ? body : body.slice(0, open)).trim();
      const args = open < 0 ? '' : body.slice(open + 1, body.lastIndexOf(')'));
      current.steps.set(priority, { app, args, where });
    });
  }
  return { contexts, globals };
}

function stripComment(line: string): string {
  let out = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (c === '\\' && line[i + 1] === ';') {
      out += ';';
      i++;
    } else if (c === ';') break;
    else out += c;
  }
  return out;
}

/** The extension of `context` that `exten` runs: an exact match first, then patterns in file order. */
export function findExtension(plan: Dialplan, context: string, exten: string): Extension | undefined {
  const list = plan.contexts.get(context);
  if (!list) return undefined;
  return list.find((e) => e.pattern === exten) ?? list.find((e) => matchesPattern(e.pattern, exten));
}

/** compiled patterns: a dialplan has few, and every step and DIALPLAN_EXISTS matches them again */
const compiled = new Map<string, RegExp>();

export function matchesPattern(pattern: string, exten: string): boolean {
  if (!pattern.startsWith('_')) return pattern === exten;
  let re = compiled.get(pattern);
  if (!re) {
    re = patternRegExp(pattern);
    compiled.set(pattern, re);
  }
  return re.test(exten);
}

function patternRegExp(pattern: string): RegExp {
  let re = '^';
  const p = pattern.slice(1);
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === 'X') re += '[0-9]';
    else if (c === 'Z') re += '[1-9]';
    else if (c === 'N') re += '[2-9]';
    else if (c === '.') re += '.+';
    else if (c === '!') re += '.*';
    else if (c === '[') {
      const end = p.indexOf(']', i);
      re += `[${p.slice(i + 1, end).replace(/[\\\]^]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}

/** Splits application arguments at top-level commas (not inside parentheses or quotes). */
export function splitArgs(args: string, separator = ','): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let cur = '';
  for (const c of args) {
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === '(' || c === '[' || c === '{')) depth++;
    if (!quoted && (c === ')' || c === ']' || c === '}')) depth--;
    if (c === separator && depth === 0 && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}
