// Modal dialogs on the native <dialog> element (focus trap, Escape to close, role "dialog"). Closed
// any way (Escape, Cancel, after a submit), a dialog hands focus back to the control that opened it, or
// to its replacement when the list behind was drawn again meanwhile (ui/focus.ts).

import { type Child, h, uniqueId } from '../../shared/dom.js';
import { focusMark, restoreFocus } from './focus.js';

export interface DialogOptions {
  readonly title: string;
  readonly content: Child;
  /** A wider dialog, for tables and forms with many fields. */
  readonly wide?: boolean;
  /** Runs once the dialog has closed, whichever way. */
  readonly onClose?: () => void;
}

/** An open dialog: the element, and close() (which does nothing once it is closed). */
export interface OpenDialog {
  readonly dialog: HTMLDialogElement;
  readonly close: () => void;
}

export function openDialog({ title, content, wide = false, onClose }: DialogOptions): OpenDialog {
  const titleId = uniqueId('dialog-title');
  const dialog = h(
    'dialog',
    { class: wide ? 'dialog dialog-wide' : 'dialog', 'aria-labelledby': titleId },
    h(
      'header',
      { class: 'dialog-header' },
      h('h2', { id: titleId }, title),
      h('button', { type: 'button', class: 'btn-icon', 'aria-label': 'Close', onclick: () => close() }, '×'),
    ),
    h('div', { class: 'dialog-body' }, content),
  );
  function close(): void {
    if (dialog.open) dialog.close();
  }
  const opener = focusMark();
  dialog.addEventListener('close', () => {
    dialog.remove();
    restoreFocus(opener);
    onClose?.();
  });
  document.body.append(dialog);
  dialog.showModal();
  return { dialog, close };
}

export interface ConfirmOptions {
  readonly title: string;
  readonly message: Child;
  readonly confirmLabel: string;
  /** A red confirm button (the default), for what cannot be undone. */
  readonly danger?: boolean;
}

/** Resolves true when the user confirms, false when the dialog is closed any other way. */
export function confirmDialog({
  title,
  message,
  confirmLabel,
  danger = true,
}: ConfirmOptions): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = false;
    const { close } = openDialog({
      title,
      content: [
        h('p', {}, message),
        h(
          'div',
          { class: 'form-actions' },
          h('button', { type: 'button', class: 'btn', onclick: () => close() }, 'Cancel'),
          h(
            'button',
            {
              type: 'button',
              class: danger ? 'btn btn-danger' : 'btn btn-primary',
              onclick: () => {
                answer = true;
                close();
              },
            },
            confirmLabel,
          ),
        ),
      ],
      onClose: () => resolve(answer),
    });
  });
}
