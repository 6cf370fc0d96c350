// A dialog holding one form: the alert box, the fields, Cancel and a submit button that is busy while
// the request runs (ui/busy-button.ts). A required field left empty is marked "<Label>: required"
// before anything is sent; API errors are shown in the form (ui/form-errors.ts), so the user can
// correct them.

import { type Child, fill, h } from '../../shared/dom.js';
import { isBusy, whileBusy } from './busy-button.js';
import { type OpenDialog, openDialog } from './dialog.js';
import { checkRequired, formAlert, showFormError } from './form-errors.js';

/**
 * Does the request (and any notify / reload). When it returns content, e.g. a secret shown once, that
 * content replaces the form, with a "Done" button; otherwise (nothing, null, false) the dialog closes.
 * What it throws is shown in the form.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a submit that closes the dialog returns nothing (Promise<void>)
export type FormSubmit = (data: FormData, form: HTMLFormElement) => Child | void | Promise<Child | void>;

export interface FormDialogOptions {
  readonly title: string;
  readonly fields: Child;
  readonly submitLabel: string;
  readonly onSubmit: FormSubmit;
  readonly wide?: boolean;
  /** Runs once the dialog has closed (whichever way), e.g. to open the next dialog. */
  readonly onClose?: () => void;
}

/** The form and its dialog, for views whose fields react to each other. */
export interface FormDialog {
  readonly form: HTMLFormElement;
  readonly dialog: OpenDialog;
}

export function formDialog({
  title,
  fields,
  submitLabel,
  onSubmit,
  wide = false,
  onClose,
}: FormDialogOptions): FormDialog {
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel);
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    formAlert(),
    fields,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel'),
      submit,
    ),
  );
  const dialog = openDialog({ title, content: form, wide, onClose });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (isBusy(submit) || !checkRequired(form)) return;
    await whileBusy(submit, async () => {
      try {
        const result = await onSubmit(new FormData(form), form);
        if (result) showResult(dialog, result);
        else dialog.close();
      } catch (error) {
        showFormError(form, error);
      }
    });
  });
  return { form, dialog };
}

/** "Copy it now" content for a secret that the API returns once: a message and the secret. */
export function secretOnce(message: Child, secret: string): HTMLElement[] {
  return [h('p', {}, message), h('p', { class: 'secret' }, h('code', {}, secret))];
}

function showResult(dialog: OpenDialog, content: Child): void {
  const body = dialog.dialog.querySelector('.dialog-body');
  if (!body) return;
  fill(
    body,
    content,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => dialog.close() }, 'Done'),
    ),
  );
}
