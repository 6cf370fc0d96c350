// A dialog holding one form: the alert box, the fields, Cancel and a submit button that is disabled while
// the request runs. A required field left empty is marked "<Label>: required" before anything is sent;
// API errors are shown in the form (ui/form-errors.js), so the user can correct them.

import { fill, h } from '../dom.js';
import { openDialog } from './dialog.js';
import { checkRequired, formAlert, showFormError } from './form-errors.js';

/**
 * onSubmit(data: FormData, form) does the request (and any notify / reload). When it returns content,
 * e.g. a secret shown once, that content replaces the form, with a "Done" button; otherwise the dialog closes.
 * Returns { form, dialog } for views whose fields react to each other. onClose runs once the dialog has
 * closed (whichever way), e.g. to open the next dialog.
 */
export function formDialog({ title, fields, submitLabel, onSubmit, wide = false, onClose }) {
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
    if (!checkRequired(form)) return;
    submit.disabled = true;
    try {
      const result = await onSubmit(new FormData(form), form);
      if (result) showResult(dialog, result);
      else dialog.close();
    } catch (error) {
      showFormError(form, error);
    } finally {
      submit.disabled = false;
    }
  });
  return { form, dialog };
}

/** "Copy it now" content for a secret that the API returns once: a message and the secret. */
export function secretOnce(message, secret) {
  return [h('p', {}, message), h('p', { class: 'secret' }, h('code', {}, secret))];
}

function showResult(dialog, content) {
  fill(
    dialog.dialog.querySelector('.dialog-body'),
    content,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => dialog.close() }, 'Done'),
    ),
  );
}
