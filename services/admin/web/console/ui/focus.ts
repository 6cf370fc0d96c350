// Keeps keyboard focus where the user acted when a list is drawn again (after a move, an
// enable/disable, a delete) or a dialog closes: on the same control if it still exists, else the same
// place in the same row (rows carry data-row="<key>"), else the next or previous row, else the heading.

const CONTROLS = 'button, a[href], input, select, textarea, [tabindex]:not([tabindex="-1"])';

export interface FocusMark {
  readonly element: HTMLElement;
  readonly name: string;
  readonly rowKey: string | null;
  readonly rowIndex: number;
  readonly controlIndex: number;
}

type Scope = ParentNode & Pick<Element, 'closest'> & { readonly isConnected: boolean };

/** Where focus is now: the element, its name, its row and its place in that row (null: nowhere useful). */
export function focusMark(active: Element | null = document.activeElement): FocusMark | null {
  const element = active as HTMLElement | null;
  if (!element || element === document.body || element === document.documentElement) return null;
  const row = element.closest<HTMLElement>('[data-row]');
  const rows = row ? rowsOf(row.parentElement) : [];
  return {
    element,
    name: nameOf(element),
    rowKey: row?.dataset.row ?? null,
    rowIndex: row ? rows.indexOf(row) : -1,
    controlIndex: row ? controlsOf(row).indexOf(element) : -1,
  };
}

/**
 * Puts focus back at `mark`, looking inside `scope` (default: the page's main region) when the marked
 * element is gone or disabled. Returns the element focused, or null.
 */
export function restoreFocus(
  mark: FocusMark | null,
  scope: HTMLElement = document.getElementById('main') ?? document.body,
): HTMLElement | null {
  if (!mark) return null;
  const target = focusable(mark.element) ? mark.element : replacement(mark, scope);
  target?.focus();
  return target ?? null;
}

/** Replaces `container`'s children through `draw()`, keeping focus if it was inside. */
export function redrawKeepingFocus(container: HTMLElement, draw: () => void): void {
  const active = document.activeElement;
  const mark = active && container.contains(active) ? focusMark(active) : null;
  draw();
  if (mark && !container.contains(document.activeElement)) restoreFocus(mark, container);
}

/** The page's heading, focusable from script (tabindex=-1), focused. */
export function focusHeading(root: ParentNode = document): HTMLElement | null {
  const heading = root.querySelector('h1');
  if (!heading) return null;
  if (!heading.hasAttribute('tabindex')) heading.setAttribute('tabindex', '-1');
  heading.focus();
  return heading;
}

function replacement(mark: FocusMark, scope: Scope): HTMLElement | null {
  if (!scope.isConnected) return focusHeading();
  const named = mark.name
    ? [...scope.querySelectorAll<HTMLElement>(CONTROLS)].find(
        (el) => nameOf(el) === mark.name && focusable(el),
      )
    : null;
  if (named) return named;
  if (mark.rowIndex >= 0) {
    const rows = [...scope.querySelectorAll<HTMLElement>('[data-row]')];
    const same = rows.find((row) => row.dataset.row === mark.rowKey);
    const candidates = same ? [same] : [rows[mark.rowIndex], rows[mark.rowIndex - 1]];
    for (const row of candidates) {
      const control = row && nearestControl(row, mark.controlIndex);
      if (control) return control;
    }
  }
  return focusHeading(scope.closest('main') ?? document);
}

/** The row's enabled control at `index`, or the closest one after it, or before it. */
function nearestControl(row: Element, index: number): HTMLElement | null {
  const all = controlsOf(row);
  for (let step = 0; step < all.length; step += 1) {
    for (const at of [index + step, index - step]) {
      const control = all[at];
      if (control && focusable(control)) return control;
    }
  }
  return null;
}

function rowsOf(list: Element | null): Element[] {
  return list ? [...list.children].filter((el) => el.hasAttribute('data-row')) : [];
}

function controlsOf(row: Element): HTMLElement[] {
  return [...row.querySelectorAll<HTMLElement>(CONTROLS)];
}

function nameOf(element: Element): string {
  return element.getAttribute('aria-label') ?? (element.id || (element.textContent ?? '').trim());
}

function focusable(element: HTMLElement | null | undefined): element is HTMLElement {
  return Boolean(
    element?.isConnected &&
      !(element as HTMLButtonElement).disabled &&
      !element.closest('[hidden], [inert]') &&
      element.getClientRects().length,
  );
}
