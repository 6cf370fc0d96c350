// After a device import: the devices it created were enrolled, and their enrolment codes (the
// payloads, secrets included) are in this one answer. Offer them once, as a CSV file made in the
// browser (a Blob, never a server URL) or as a printed sheet; the sheet issues new keys, so the codes
// of the CSV stop working (after the overlap chosen).

import type { paths } from '../../shared/api-client.js';
import { h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import type { Notify } from '../view-context.js';
import { requestEnrolmentSheet } from './device-keys.js';
import type { SheetItem } from './enrolment-sheet.js';

type DeviceImportReport =
  paths['/api/v1/import/devices']['post']['responses'][200]['content']['application/json'];
/** { deviceId, extension, keyId, payload }: one device the import created and enrolled. */
export type ImportEnrolment = NonNullable<DeviceImportReport['enrolments']>[number];

const CSV_COLUMNS = [
  'deviceId',
  'extension',
  'keyId',
  'payload',
] as const satisfies readonly (keyof ImportEnrolment)[];

export interface EnrolmentsNoticeOptions {
  readonly api: Api;
  readonly notify: Notify;
  readonly enrolments: readonly ImportEnrolment[];
  readonly onSheet: (items: readonly SheetItem[]) => void;
}

export function enrolmentsNotice({ api, notify, enrolments, onSheet }: EnrolmentsNoticeOptions): HTMLElement {
  const n = enrolments.length;
  return h(
    'div',
    { class: 'warning-banner import-enrolments', role: 'status' },
    h(
      'p',
      {},
      n === 1
        ? '1 new device was enrolled: its enrolment code is shown once. '
        : `${n} new devices were enrolled: their enrolment codes are shown once. `,
      'Download or print them now; after you leave this page only a re-enrolment gives new ones.',
    ),
    h(
      'div',
      { class: 'row-actions' },
      h(
        'button',
        { type: 'button', class: 'btn btn-small', onclick: () => downloadCsv(enrolments) },
        'Download enrolment codes (CSV)',
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-small',
          onclick: () =>
            requestEnrolmentSheet({
              api,
              notify,
              deviceIds: enrolments.map((e) => e.deviceId),
              onSheet,
              intro:
                'The sheet needs the QR codes, which the import did not keep: printing it issues new keys, and the codes of the import (and of a CSV you downloaded) stop working.',
            }),
        },
        'Print enrolment sheet',
      ),
    ),
  );
}

export function enrolmentsCsv(enrolments: readonly ImportEnrolment[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of enrolments) lines.push(CSV_COLUMNS.map((c) => csvField(e[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

function csvField(value: string | number | undefined): string {
  const text = String(value ?? '');
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function downloadCsv(enrolments: readonly ImportEnrolment[]): void {
  const url = URL.createObjectURL(new Blob([enrolmentsCsv(enrolments)], { type: 'text/csv' }));
  const link = h('a', { href: url, download: 'enrolment-codes.csv', hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
