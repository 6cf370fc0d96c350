// Selecting devices on the Devices page for an enrolment sheet: a checkbox per row, "select all on
// this page" in the header, and a bar with the count and the action. The selection is kept across
// pages (device ids only, in memory) and cleared once the sheet is issued.

import { fill, h } from '../dom.js';
import { MAX_SHEET_DEVICES } from './device-keys.js';

/** onPrint(deviceIds) asks for the sheet. Returns { column, bar, clear }. */
export function deviceSelection({ onPrint }) {
  const selected = new Set();
  /** The current page's checkboxes and its "select all", rebuilt by every render of the table. */
  let pageBoxes = [];
  let selectAll = null;

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

  function update() {
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

  function toggle(deviceId, on) {
    if (on) selected.add(deviceId);
    else selected.delete(deviceId);
    update();
  }

  function clear() {
    selected.clear();
    for (const box of pageBoxes) box.checked = false;
    update();
  }

  const column = {
    label: 'Select',
    className: 'select-cell',
    // dataTable builds the header before the rows: a fresh "select all" for each render of the page.
    get header() {
      pageBoxes = [];
      selectAll = h('input', {
        type: 'checkbox',
        'aria-label': 'Select all devices on this page',
        onchange: () => {
          for (const box of pageBoxes) {
            box.checked = selectAll.checked;
            toggle(box.dataset.deviceId, box.checked);
          }
        },
      });
      return selectAll;
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
