// Selecting devices on the Devices page for an enrolment sheet: a checkbox per row, "select all on
// this page" in the header, and a bar with the count and the action. The selection is kept across
// pages (device ids only, in memory) and cleared once the sheet is issued.

import { fill, h } from '../../shared/dom.js';
import type { Column } from '../ui/data-table.js';
import { type Device, MAX_SHEET_DEVICES } from './device-keys.js';

export interface DeviceSelection {
  /** The table's first column: a checkbox per row, "select all" in the header. */
  readonly column: Column<Device>;
  /** The count and the actions, to place above the table. */
  readonly bar: HTMLElement;
  readonly clear: () => void;
}

/** onPrint(deviceIds) asks for the sheet. */
export function deviceSelection({
  onPrint,
}: {
  readonly onPrint: (deviceIds: string[]) => void;
}): DeviceSelection {
  const selected = new Set<string>();
  /** The current page's checkboxes and its "select all", rebuilt by every render of the table. */
  let pageBoxes: HTMLInputElement[] = [];
  let selectAll: HTMLInputElement | null = null;

  const count = h('span', { class: 'selection-count', role: 'status' });
  const printButton = h(
    'button',
    { type: 'button', class: 'btn btn-small', onclick: () => onPrint([...selected]) },
    'Print enrolment sheet…',
  );
  const clearButton = h(
    'button',
    { type: 'button', class: 'btn btn-small', onclick: () => clear() },
    'Clear selection',
  );
  const bar = h('div', { class: 'toolbar selection-bar' }, count, printButton, clearButton);

  function update(): void {
    const n = selected.size;
    const tooMany = n > MAX_SHEET_DEVICES;
    fill(
      count,
      n === 0
        ? 'Select devices to print their enrolment codes.'
        : `${n} ${n === 1 ? 'device' : 'devices'} selected${tooMany ? ` (at most ${MAX_SHEET_DEVICES} per sheet)` : ''}`,
    );
    printButton.disabled = n === 0 || tooMany;
    clearButton.hidden = n === 0;
    if (selectAll) {
      const on = pageBoxes.filter((box) => box.checked).length;
      selectAll.checked = on > 0 && on === pageBoxes.length;
      selectAll.indeterminate = on > 0 && on < pageBoxes.length;
    }
  }

  function toggle(deviceId: string, on: boolean): void {
    if (on) selected.add(deviceId);
    else selected.delete(deviceId);
    update();
  }

  function clear(): void {
    selected.clear();
    for (const box of pageBoxes) box.checked = false;
    update();
  }

  const column: Column<Device> = {
    label: 'Select',
    className: 'select-cell',
    // dataTable builds the header before the rows: a fresh "select all" for each render of the page.
    get header() {
      pageBoxes = [];
      const all = h('input', {
        type: 'checkbox',
        'aria-label': 'Select all devices on this page',
        onchange: () => {
          for (const box of pageBoxes) {
            box.checked = all.checked;
            const deviceId = box.dataset.deviceId;
            if (deviceId !== undefined) toggle(deviceId, box.checked);
          }
        },
      });
      selectAll = all;
      return all;
    },
    render: (device) => {
      const box = h('input', {
        type: 'checkbox',
        'aria-label': `Select ${device.deviceId}`,
        checked: selected.has(device.deviceId),
        dataset: { deviceId: device.deviceId },
        onchange: () => toggle(device.deviceId, box.checked),
      });
      pageBoxes.push(box);
      update();
      return box;
    },
  };

  update();
  return { column, bar, clear };
}
