// Privacy: how long presence history and call decisions are kept (the retention sweep deletes older
// ones), and one user's presence history on request. Every such view is written to the audit log,
// as docs/privacy.md promises: the page says so before it is opened.

import { fill, formatDateTime, h } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';
import { type Column, dataTable } from '../ui/data-table.js';
import { textField } from '../ui/fields.js';
import { checkRequired, formAlert, showFormError } from '../ui/form-errors.js';
import { userPicker } from '../ui/user-picker.js';
import type { Cleanup, Notify, ViewContext } from '../view-context.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

type HistoryEntry = AnswerOf<'/api/v1/users/{extension}/presence-history'>['items'][number];

/** The newest entries shown (the API's own default). */
const HISTORY_LIMIT = 100;

const HISTORY_COLUMNS: readonly Column<HistoryEntry>[] = [
  { label: 'Since', render: (e) => formatDateTime(e.at) },
  { label: 'Device', render: (e) => e.deviceId },
  { label: 'Place', render: (e) => e.placeName || 'no known place' },
];

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Privacy',
    description:
      'What is kept of where people were and where their calls went, for how long, and who looked. See docs/privacy.md.',
  });
  body.append(retentionForm(api, notify), historySection(api));
  return undefined;
}

function retentionForm(api: Api, notify: Notify): HTMLFormElement {
  const days = textField({
    label: 'Keep presence history and call decisions for (days)',
    name: 'retentionDays',
    type: 'number',
    min: 1,
    max: 3650,
    required: true,
    hint: '1 to 3650. Older entries are deleted by the hourly sweep (and at once after a change).',
  });
  const form = h(
    'form',
    { class: 'form form-narrow', novalidate: true, 'aria-label': 'Retention' },
    h('h2', {}, 'Retention'),
    formAlert(),
    days,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Save retention'),
    ),
  );
  const input = days.querySelector('input')!;
  api.privacy.settings().then(
    (s) => {
      input.value = String(s.retentionDays);
    },
    (error) => showFormError(form, error),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkRequired(form)) return;
    try {
      const saved = await api.privacy.setSettings({ retentionDays: Number(input.value) });
      notify(`History is kept for ${saved.retentionDays} days`);
    } catch (error) {
      showFormError(form, error);
    }
  });
  return form;
}

function historySection(api: Api): HTMLElement {
  // nothing loads until a user is picked: say so rather than "Loading…"
  const results = fill(
    resultsRegion(),
    h('p', { class: 'empty' }, 'Pick a user to see their presence history.'),
  );
  const users = userPicker({ api, onPick: (user) => show(user.extension) });
  const picker = h(
    'form',
    { class: 'toolbar picker-toolbar', 'aria-label': 'Presence history of a user', novalidate: true },
    formAlert(),
    users.element,
    h('button', { type: 'submit', class: 'btn' }, 'Show presence history'),
  );
  picker.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (!checkRequired(picker)) return;
    const user = await users.pick(users.input.value.trim());
    if (!user) showFormError(picker, { message: 'Pick a user from the list.', details: { field: 'user' } });
  });
  async function show(extension: string): Promise<void> {
    try {
      const { items } = await api.privacy.presenceHistory(extension, HISTORY_LIMIT);
      fill(
        results,
        dataTable({
          caption: `Presence history of ${extension} (newest first)`,
          columns: HISTORY_COLUMNS,
          rows: items,
          empty: `No presence history of ${extension} is kept.`,
        }),
      );
    } catch (error) {
      fill(results, loadError(error));
    }
  }
  return h(
    'section',
    { 'aria-labelledby': 'presence-history-title' },
    h('h2', { id: 'presence-history-title' }, "A user's presence history"),
    h(
      'p',
      { class: 'muted' },
      'Where a user’s devices were placed, change by change. Each time you open it, the audit log records who looked at whose history.',
    ),
    picker,
    results,
  );
}
