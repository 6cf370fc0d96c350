// The page's own form pieces, on top of the shared DOM builder (../shared/dom.ts: h, uniqueId).
import { formatDateTime, h, type Props, uniqueId } from '../shared/dom.js';
import { type MeContext, messageOf } from './api.js';

/** A labelled control: `element` goes into the form, `control` is the input or select to read. */
export interface Field<C extends HTMLInputElement | HTMLSelectElement> {
  readonly element: HTMLDivElement;
  readonly control: C;
}

/** A labelled input, or a select when `options` is given, with an optional hint below it. */
export function field(label: string, props?: Props, options?: null, hint?: string): Field<HTMLInputElement>;
export function field(
  label: string,
  props: Props,
  options: readonly HTMLOptionElement[],
  hint?: string,
): Field<HTMLSelectElement>;
export function field(
  label: string,
  props: Props = {},
  options: readonly HTMLOptionElement[] | null = null,
  hint?: string,
): Field<HTMLInputElement | HTMLSelectElement> {
  const id = uniqueId('f');
  const hintId = hint ? `${id}-hint` : undefined;
  const control = options
    ? h('select', { id, ...props, 'aria-describedby': hintId }, options)
    : h('input', { id, type: 'text', ...props, 'aria-describedby': hintId });
  const element = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint && h('p', { id: hintId, class: 'hint' }, hint),
  );
  return { element, control };
}

/** A date and time as the reader's locale writes it; '—' for none. */
export const when = (value: string | null | undefined): string => formatDateTime(value);

/** The view's heading, focused so a screen reader announces the new view. */
export function heading(text: string): HTMLHeadingElement {
  return h('h1', { tabindex: '-1', class: 'view-title' }, text);
}

/** An error line inside a form, announced when it changes. */
export function formAlert(): HTMLParagraphElement {
  return h('p', { class: 'form-alert', role: 'alert' });
}

/** An editor's Save (submits the form) and Cancel buttons. */
export function saveCancel(close: () => void): HTMLDivElement {
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save'),
    h('button', { type: 'button', class: 'btn', onclick: close }, 'Cancel'),
  );
}

/**
 * An own item's Edit and Delete buttons (named after the item for screen readers). Delete asks
 * first, then deletes, says so and draws the view again; a refusal is announced.
 */
export function editDelete(
  { notify, refresh }: MeContext,
  item: { noun: 'place' | 'scenario'; name: string; edit: () => void; remove: () => Promise<unknown> },
): HTMLDivElement {
  const { noun, name } = item;
  const onDelete = async (): Promise<void> => {
    if (!window.confirm(`Delete ${noun} "${name}"?`)) return;
    try {
      await item.remove();
      notify(`${noun.charAt(0).toUpperCase()}${noun.slice(1)} ${name} deleted.`);
      await refresh();
    } catch (error) {
      notify(messageOf(error));
    }
  };
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'button', class: 'btn', 'aria-label': `Edit ${name}`, onclick: item.edit }, 'Edit'),
    h(
      'button',
      { type: 'button', class: 'btn btn-danger', 'aria-label': `Delete ${name}`, onclick: onDelete },
      'Delete',
    ),
  );
}
