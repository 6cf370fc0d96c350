// Labelled form controls. Every control gets a <label for>, so tests and screen readers find it by name.

import { h, uniqueId } from '../../shared/dom.js';

/** What every field takes; any other key becomes an attribute or property of the control (h()'s props). */
interface FieldOptions {
  readonly label: string;
  readonly name: string;
  /** A line under the control, linked to it by aria-describedby. */
  readonly hint?: string;
  readonly [attribute: string]: unknown;
}

export interface TextFieldOptions extends FieldOptions {
  readonly value?: string | number | null;
  /** The input's type: text (the default), password, number, email… */
  readonly type?: string;
}

export interface CheckboxFieldOptions extends FieldOptions {
  readonly checked?: boolean;
}

export interface SelectOption {
  readonly value: string;
  readonly label: string;
}

export interface SelectFieldOptions extends FieldOptions {
  readonly options: readonly SelectOption[];
  readonly value?: string;
}

/** The control's id, and its hint's id when there is a hint. */
function ids(name: string, hint: string | undefined): { id: string; hintId: string | undefined } {
  const id = uniqueId(name);
  return { id, hintId: hint ? `${id}-hint` : undefined };
}

function hintOf(hint: string | undefined, hintId: string | undefined): HTMLElement | null {
  return hint ? h('p', { class: 'hint', id: hintId }, hint) : null;
}

export function textField({
  label,
  name,
  value = '',
  hint,
  type = 'text',
  ...attrs
}: TextFieldOptions): HTMLElement {
  const { id, hintId } = ids(name, hint);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('input', { id, name, type, value, 'aria-describedby': hintId, ...attrs }),
    hintOf(hint, hintId),
  );
}

export function textareaField({ label, name, value = '', hint, ...attrs }: TextFieldOptions): HTMLElement {
  const { id, hintId } = ids(name, hint);
  return h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    h('textarea', { id, name, 'aria-describedby': hintId, rows: 3, ...attrs }, value),
    hintOf(hint, hintId),
  );
}

export function checkboxField({
  label,
  name,
  checked = false,
  hint,
  ...attrs
}: CheckboxFieldOptions): HTMLElement {
  const { id, hintId } = ids(name, hint);
  return h(
    'div',
    { class: 'field field-check' },
    h('input', { id, name, type: 'checkbox', checked, 'aria-describedby': hintId, ...attrs }),
    h('label', { for: id }, label),
    hintOf(hint, hintId),
  );
}

export function selectField({
  label,
  name,
  options,
  value,
  hint,
  ...attrs
}: SelectFieldOptions): HTMLElement {
  const { id, hintId } = ids(name, hint);
  const select = h(
    'select',
    { id, name, 'aria-describedby': hintId, ...attrs },
    options.map((option) => h('option', { value: option.value }, option.label)),
  );
  if (value !== undefined) select.value = value;
  return h('div', { class: 'field' }, h('label', { for: id }, label), select, hintOf(hint, hintId));
}

/** A textarea's entries, one a line or comma-separated, trimmed, blanks dropped. */
export function linesOf(text: FormDataEntryValue | string | null | undefined): string[] {
  return String(text ?? '')
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);
}
