// A printable enrolment sheet: one card per device (QR code, device id, extension, name, label), shown
// in place of the page that asked for it. The items come from the API answer that issued the keys and
// stay in this page's DOM only: not in storage, not in the address; reloading or leaving drops them.
// Print CSS (enrolment.css) hides the console around the sheet and keeps each card on one page.

import { type Child, h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import type { ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

/** { deviceId, extension, displayName, label, keyId, dataUrl, payload } from POST /devices/enrolment-sheet. */
export type SheetItem = Awaited<ReturnType<Api['devices']['enrolmentSheet']>>['items'][number];

export interface SheetOptions {
  readonly items: readonly SheetItem[];
  /** Shows the page again. */
  readonly onBack: () => void;
}

export function renderEnrolmentSheet(root: HTMLElement, { items, onBack }: SheetOptions): void {
  root.replaceChildren();
  const body = pageFrame(root, {
    title: 'Enrolment sheet',
    description: `${items.length} ${items.length === 1 ? 'device' : 'devices'}. Print it now: the codes are shown once and cannot be shown again.`,
    actions: [
      h('button', { type: 'button', class: 'btn', onclick: onBack }, 'Back'),
      h('button', { type: 'button', class: 'btn btn-primary', onclick: () => window.print() }, 'Print'),
    ],
  });
  body.append(
    h(
      'p',
      { class: 'warning-banner sheet-warning' },
      'Each code holds its phone’s own key. Hand each card only to the phone’s user, ',
      'and shred the sheet once the phones are set up.',
    ),
    h(
      'ul',
      { class: 'enrolment-sheet', 'aria-label': 'Enrolment codes' },
      items.map((item) => card(item)),
    ),
  );
  window.scrollTo(0, 0);
}

/**
 * The sheet in place of the page `render` draws, with Back drawing that page anew (the codes are then
 * gone). For the pages that offer a sheet: Devices, and Import and export.
 */
export function sheetInPlaceOf(
  root: HTMLElement,
  context: ViewContext,
  render: (root: HTMLElement, context: ViewContext) => unknown,
): (items: readonly SheetItem[]) => void {
  return (items) =>
    renderEnrolmentSheet(root, {
      items,
      onBack: () => {
        root.replaceChildren();
        render(root, context);
      },
    });
}

function card(item: SheetItem): HTMLElement {
  return h(
    'li',
    { class: 'enrolment-card' },
    h('img', {
      src: item.dataUrl,
      alt: `Enrolment QR code for device ${item.deviceId}`,
      width: 200,
      height: 200,
    }),
    h(
      'dl',
      {},
      entry('Device ID', h('span', { class: 'mono' }, item.deviceId)),
      entry('Extension', item.extension),
      item.displayName ? entry('Name', item.displayName) : null,
      item.label ? entry('Label', item.label) : null,
      entry('Key', `#${item.keyId}`),
    ),
  );
}

function entry(term: string, value: Child): HTMLElement[] {
  return [h('dt', {}, term), h('dd', {}, value)];
}
