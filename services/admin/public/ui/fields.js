// Labelled form controls. Every control gets a <label for>, so tests and screen readers find it by name.

import { h, uniqueId } from '../dom.js';

export function textField({ label, name, value = '', hint, type = 'text', ...attrs }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : undefined;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, type, value, 'aria-describedby': hintId, ...attrs }),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

export function textareaField({ label, name, value = '', hint, ...attrs }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : undefined;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('textarea', { id, name, 'aria-describedby': hintId, rows: 3, ...attrs }, value),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

export function checkboxField({ label, name, checked = false, hint, ...attrs }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : undefined;
  return h(
    'div',
    { class: 'field field-check' },
    h('input', { id, name, type: 'checkbox', checked, 'aria-describedby': hintId, ...attrs }),
    h('label', { for: id }, label),
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

export function selectField({ label, name, options, value, hint, ...attrs }) {
  const id = uniqueId(name);
  const hintId = hint ? `${id}-hint` : undefined;
  const select = h(
    'select',
    { id, name, 'aria-describedby': hintId, ...attrs },
    options.map((option) => h('option', { value: option.value }, option.label)),
  );
  if (value !== undefined) select.value = value;
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    select,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
  );
}

export function linesOf(text) {
  return String(text ?? '')
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
}
