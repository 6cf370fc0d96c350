// Naming rules inherited from the original add-on: SMART-<Name> is generic (every user),
// <ext>-<Name> is specific to one extension. Pure; the caller checks that <ext> is known.

export const DEVICE_ID = /^[A-Za-z0-9]{4,64}$/;
export const EXTENSION = /^[0-9]{2,10}$/;
export const SHORT_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/;
export const DIAL = /^[0-9A-Za-z*#+/@._-]{1,64}$/;
export const SERVER_KEY = /^[A-Za-z0-9]{16}$/;

export type DestinationName =
  | { readonly scope: 'generic'; readonly extension: null; readonly shortName: string }
  | { readonly scope: 'specific'; readonly extension: string; readonly shortName: string };

export type NameProblem = { readonly problem: string };

export function parseDestinationName(name: string): DestinationName | NameProblem {
  const generic = /^SMART-(.+)$/.exec(name);
  if (generic) {
    const shortName = generic[1]!;
    if (!SHORT_NAME.test(shortName)) return { problem: shortNameProblem(name) };
    return { scope: 'generic', extension: null, shortName };
  }
  const specific = /^([0-9]{2,10})-(.+)$/.exec(name);
  if (specific) {
    const shortName = specific[2]!;
    if (!SHORT_NAME.test(shortName)) return { problem: shortNameProblem(name) };
    return { scope: 'specific', extension: specific[1]!, shortName };
  }
  return { problem: `"${truncate(name)}" must be SMART-<Name> (generic) or <extension>-<Name> (specific)` };
}

function shortNameProblem(name: string): string {
  return `"${truncate(name)}": <Name> must be 1-40 letters, digits, '_', '.' or '-', starting with a letter or digit`;
}

export function truncate(value: string, max = 48): string {
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

export function isNameProblem(value: DestinationName | NameProblem): value is NameProblem {
  return 'problem' in value;
}
