// Tiny DOM builder: h('button', { class: 'btn', onclick }, 'Save'). Text is always inserted as text
// nodes, never as HTML, so values coming from the API cannot inject markup.

/** Anything h() and fill() accept as a child: nodes, text, and nothing (null, undefined, false). */
export type Child = Node | string | number | boolean | null | undefined | readonly Child[];

/** Attributes (strings, numbers, true for a bare attribute), properties, dataset and on<event> listeners. */
export type Props = Record<string, unknown> | null | undefined;

const PROPERTY_KEYS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required', 'multiple']);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  appendChildren(el, children);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function')
      el.addEventListener(key.slice(2), value as EventListener);
    else if (PROPERTY_KEYS.has(key)) (el as unknown as Record<string, unknown>)[key] = value;
    else if (value === false) continue;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return el;
}

export function appendChildren<E extends Element>(el: E, children: readonly Child[]): E {
  for (const child of (children as unknown[]).flat(Number.POSITIVE_INFINITY) as Child[]) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear<E extends Element>(el: E): E {
  el.replaceChildren();
  return el;
}

let idCounter = 0;
export function uniqueId(prefix: string): string {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

type DateLike = string | number | Date | null | undefined;

export function formatDateTime(value: DateLike): string {
  if (value === undefined || value === null || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Replaces the element's children, skipping null/false entries (replaceChildren would print "null"). */
export function fill<E extends Element>(el: E, ...children: Child[]): E {
  el.replaceChildren();
  return appendChildren(el, children);
}

export function formatDate(value: DateLike): string {
  if (value === undefined || value === null || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** The element with this id, which index.html always has (a missing one is a build mistake). */
export function byId<E extends HTMLElement = HTMLElement>(id: string): E {
  const el = document.getElementById(id);
  if (!el) throw new Error(`index.html has no #${id}`);
  return el as E;
}
