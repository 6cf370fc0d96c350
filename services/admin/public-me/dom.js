// Tiny DOM builder: h('button', { class: 'btn', onclick }, 'Save'). Text always goes in as text
// nodes, never as HTML, so values from the API cannot inject markup.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'selected', 'hidden', 'required']);

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let counter = 0;
export const uniqueId = (prefix) => `${prefix}-${++counter}`;

/** A labelled input (or select when `options` is given); returns the wrapper, the control inside. */
export function field(label, props = {}, options = null, hint = null) {
  const id = uniqueId('f');
  const hintId = hint ? `${id}-hint` : undefined;
  const control = options
    ? h('select', { id, ...props, 'aria-describedby': hintId }, options)
    : h('input', { id, type: 'text', ...props, 'aria-describedby': hintId });
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint && h('p', { id: hintId, class: 'hint' }, hint),
  );
}

export function when(value) {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime())
    ? String(value)
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The view's heading, focused so a screen reader announces the new view. */
export function heading(text) {
  return h('h1', { tabindex: '-1', class: 'view-title' }, text);
}

/** An error line inside a form, announced when it changes. */
export function formAlert() {
  return h('p', { class: 'form-alert', role: 'alert' });
}

/** An editor's Save (submits the form) and Cancel buttons. */
export function saveCancel(close) {
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save'),
    h('button', { type: 'button', class: 'btn', onclick: close }, 'Cancel'),
  );
}
