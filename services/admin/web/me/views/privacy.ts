// Privacy: what is kept about you and for how long, a download of all of it, and deleting your
// presence history (after a confirmation).
import { h } from '../../shared/dom.js';
import { hasCode, type Item, type MeContext } from '../api.js';
import { heading, when } from '../dom.js';

export async function render(root: HTMLElement, ctx: MeContext): Promise<void> {
  // null: this server keeps no presence history
  let history: Item<'presenceHistory'>[] | null = null;
  try {
    ({ items: history } = await ctx.api.presenceHistory());
  } catch (error) {
    if (!hasCode(error, 'ADMIN_HISTORY_UNAVAILABLE')) throw error;
  }
  const dialog = confirmDelete(ctx);
  root.replaceChildren(
    heading('Privacy'),
    keptSection(),
    exportSection(),
    historySection(history, dialog),
    dialog,
  );
}

function confirmDelete({ api, notify, refresh }: MeContext): HTMLDialogElement {
  const dialog = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title' },
    h('h2', { id: 'confirm-title' }, 'Delete your presence history?'),
    h(
      'p',
      {},
      'Every record of where your devices were is deleted for good. Your scenarios and places stay.',
    ),
  );
  const onDelete = async (): Promise<void> => {
    dialog.close();
    const { deleted } = await api.deletePresenceHistory();
    notify(`Presence history deleted (${deleted} entries).`);
    await refresh();
  };
  dialog.append(
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'button', class: 'btn btn-danger', onclick: onDelete }, 'Delete'),
      h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel'),
    ),
  );
  return dialog;
}

function keptSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'kept-title' },
    h('h2', { id: 'kept-title' }, 'What is kept'),
    h(
      'ul',
      {},
      h('li', {}, 'Your scenarios, places and whether location is paused, until you change them.'),
      h(
        'li',
        {},
        'Presence history: each change of the place a device of yours was placed at (not the networks it saw, nor signal strength).',
      ),
      h('li', {}, 'Call history: who called, where each call went and why.'),
    ),
    h(
      'p',
      { class: 'muted' },
      'Both histories are deleted automatically after the retention period your administrator set. The full notice is the privacy document (docs/privacy.md) your administrator has.',
    ),
  );
}

function exportSection(): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Download my data'),
    h(
      'p',
      { class: 'muted' },
      'One JSON file with your profile, scenarios, places, pause state, calls and presence history.',
    ),
    h(
      'a',
      { class: 'btn btn-primary', href: '/me/export', download: 'smart-assistant-export.json' },
      'Download my data (JSON)',
    ),
  );
}

function historySection(history: Item<'presenceHistory'>[] | null, dialog: HTMLDialogElement): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Presence history'),
    history === null
      ? h('p', { class: 'muted' }, 'This server keeps no presence history.')
      : history.length
        ? h(
            'ol',
            { class: 'list compact' },
            history.map((e) =>
              h('li', {}, `${when(e.at)} · ${e.deviceId} · ${e.placeName || 'no known place'}`),
            ),
          )
        : h('p', { class: 'muted', 'data-testid': 'history-empty' }, 'No presence history.'),
    history?.length
      ? h(
          'button',
          { type: 'button', class: 'btn btn-danger', onclick: () => dialog.showModal() },
          'Delete my presence history',
        )
      : null,
  );
}
