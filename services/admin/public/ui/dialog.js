// Modal dialogs on the native <dialog> element (focus trap, Escape to close, role "dialog"). Closed
// any way (Escape, Cancel, after a submit), a dialog hands focus back to the control that opened it, or
// to its replacement when the list behind was drawn again meanwhile (ui/focus.js).

import { h, uniqueId } from '../dom.js';
import { focusMark, restoreFocus } from './focus.js';

export function openDialog({ title, content, wide = false, onClose }) {
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
  function close() {
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

export function confirmDialog({ title, message, confirmLabel, danger = true }) {
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
