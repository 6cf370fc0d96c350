// Shows a device's enrolment once, right after the API issued it (add device, enrol, re-enrol): the
// QR code, the same text in a read-only field with Copy, and Print. The secret is in both; it lives in
// this dialog's DOM only (never in storage or the address) and is gone when the dialog closes.

import { h, uniqueId } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { openDialog } from '../ui/dialog.js';
import type { Notify } from '../view-context.js';

/** { deviceId, extension, keyId, payload, dataUrl } from the API answer (enrol, or add device). */
export type Enrolment = Awaited<ReturnType<Api['devices']['enrol']>>['enrolment'];

export interface EnrolmentDialogOptions {
  readonly enrolment: Enrolment;
  readonly notify?: Notify;
  readonly onClose?: () => void;
}

export function openEnrolmentDialog({ enrolment, notify, onClose }: EnrolmentDialogOptions): void {
  const textId = uniqueId('enrolment-text');
  const text = h('textarea', {
    id: textId,
    class: 'mono enrolment-text',
    readonly: true,
    rows: 4,
    spellcheck: 'false',
    autocomplete: 'off',
  });
  text.value = enrolment.payload;
  const copyStatus = h('span', { class: 'muted', role: 'status' });
  const { close } = openDialog({
    title: `Enrol device ${enrolment.deviceId}`,
    wide: true,
    onClose,
    content: [
      h(
        'p',
        { class: 'warning-banner', role: 'alert' },
        'Shown once: it cannot be shown again; re-enrol to get a new one. ',
        'The code holds the phone’s own key: give it only to this phone.',
      ),
      h(
        'p',
        { class: 'no-print' },
        'Scan this code with the Smart Assistant app on the phone, or paste the text below into it.',
      ),
      enrolmentFigure(enrolment),
      h(
        'div',
        { class: 'field no-print' },
        h('label', { for: textId }, 'Enrolment text'),
        text,
        h(
          'div',
          { class: 'row-actions' },
          h('button', { type: 'button', class: 'btn btn-small', onclick: () => copy() }, 'Copy'),
          copyStatus,
        ),
      ),
      h(
        'div',
        { class: 'form-actions no-print' },
        h('button', { type: 'button', class: 'btn', onclick: () => window.print() }, 'Print'),
        h('button', { type: 'button', class: 'btn btn-primary', onclick: () => close() }, 'Done'),
      ),
    ],
  });

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(text.value);
    } catch {
      // No clipboard permission (plain HTTP on a LAN): select the text for Ctrl+C instead.
      text.select();
      copyStatus.textContent = 'Selected: press Ctrl+C (⌘C) to copy.';
      return;
    }
    copyStatus.textContent = 'Copied.';
    notify?.('Enrolment text copied');
  }
}

function enrolmentFigure(enrolment: Enrolment): HTMLElement {
  return h(
    'figure',
    { class: 'qr enrolment-qr' },
    h('img', {
      src: enrolment.dataUrl,
      alt: `Enrolment QR code for device ${enrolment.deviceId}`,
      width: 280,
      height: 280,
    }),
    h(
      'figcaption',
      {},
      `Device ${enrolment.deviceId} · extension ${enrolment.extension} · own key ${enrolment.keyId}`,
    ),
  );
}
