// Tiny DOM builder: h('button', { class: 'btn', onclick }, 'Save'). Text is always inserted as text
// nodes, never as HTML, so values coming from the API cannot inject markup.

const PROPERTY_KEYS = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required', 'multiple']);

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  appendChildren(el, children);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (PROPERTY_KEYS.has(key)) el[key] = value;
    else if (value === false) continue;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  return el;
}

export function appendChildren(el, children) {
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let idCounter = 0;
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

export function formatDateTime(value) {
  if (value === undefined || value === null || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** Replaces the element's children, skipping null/false entries (replaceChildren would print "null"). */
export function fill(el, ...children) {
  el.replaceChildren();
  return appendChildren(el, children);
}

export function formatDate(value) {
  if (value === undefined || value === null || value === '') return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return date.toLocaleDateString(undefined, { dateStyle: 'medium' });
}
