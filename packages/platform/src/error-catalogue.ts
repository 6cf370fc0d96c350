// One shape for every service's error catalogue: code -> what it means and, where an HTTP answer
// carries it, its status. Codes are <PREFIX>_<AREA>_<WHAT>; the service's typed error class takes
// its codes from here, and checkErrorCatalogue (one test for all) keeps source, catalogue and docs
// in step.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface ErrorSpec {
  /** what the code means, for operators and docs */
  readonly text: string;
  /** HTTP status when an answer carries the code */
  readonly status?: number;
}

/** Returns `entries` unchanged, after checking every code has the prefix, a text and a sane status. */
export function defineErrors<const E extends Record<string, ErrorSpec>>(prefix: string, entries: E): E {
  const code = new RegExp(`^${prefix}_[A-Z0-9]+(_[A-Z0-9]+)*$`);
  for (const [name, spec] of Object.entries(entries)) {
    if (!code.test(name)) throw new Error(`error code ${name} must be ${prefix}_<AREA>_<WHAT>`);
    if (spec.text.trim().length === 0) throw new Error(`error code ${name} needs a text`);
    if (spec.status !== undefined && !(spec.status >= 400 && spec.status < 600))
      throw new Error(`error code ${name}: status ${spec.status} is not an error status`);
  }
  return entries;
}

/** Every `'<PREFIX>_…'` string literal in the .ts files (tests excluded) under `dir`. */
export function codesUsedIn(dir: string, prefix: string): Set<string> {
  const used = new Set<string>();
  const literal = new RegExp(`'(${prefix}_[A-Z0-9_]+)'`, 'g');
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        for (const m of readFileSync(path, 'utf8').matchAll(literal)) used.add(m[1]!);
    }
  };
  walk(dir);
  return used;
}

/**
 * Problems of a catalogue against its service: a code the source uses that is not in it, and (with
 * `doc`) a code the doc does not name with its status. Empty when all is well.
 */
export function catalogueProblems(options: {
  readonly prefix: string;
  readonly catalogue: Readonly<Record<string, ErrorSpec>>;
  readonly sourceDir: string;
  readonly doc?: string;
  /** codes whose status the doc need not repeat */
  readonly statusOptional?: (code: string) => boolean;
  /** literals of the same shape that are no error codes (a service's setting names) */
  readonly notCodes?: ReadonlySet<string>;
}): string[] {
  const { prefix, catalogue, sourceDir, doc } = options;
  const problems: string[] = [];
  for (const code of codesUsedIn(sourceDir, prefix))
    if (!(code in catalogue) && !options.notCodes?.has(code))
      problems.push(`${code} is used but not in the catalogue`);
  if (doc !== undefined) {
    const lines = doc.split('\n');
    for (const [code, spec] of Object.entries(catalogue)) {
      const line = lines.find((l) => l.includes(`\`${code}\``));
      if (!line) problems.push(`${code} is not documented`);
      else if (
        spec.status !== undefined &&
        !options.statusOptional?.(code) &&
        !line.includes(String(spec.status))
      )
        problems.push(`${code} is documented without its status ${spec.status}`);
    }
  }
  return problems;
}
