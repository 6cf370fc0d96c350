// Privacy: what is kept about you and for how long, a download of all of it, and deleting your
// presence history (after a confirmation).
import { h, heading, when } from '../dom.js';

export async function render(root, { api, notify, refresh }) {
  let history = null;
  try {
    ({ items: history } = await api.presenceHistory());
  } catch (error) {
    if (error.code !== 'ADMIN_HISTORY_UNAVAILABLE') throw error;
  }
  const confirmDialog = h(
    'dialog',
    { 'aria-labelledby': 'confirm-title' },
    h('h2', { id: 'confirm-title' }, 'Delete your presence history?'),
    h(
      'p',
      {},
      'Every record of where your devices were is deleted for good. Your scenarios and places stay.',
    ),
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-danger',
          onclick: async () => {
            confirmDialog.close();
            const { deleted } = await api.deletePresenceHistory();
            notify(`Presence history deleted (${deleted} entries).`);
            await refresh();
          },
        },
        'Delete',
      ),
      h('button', { type: 'button', class: 'btn', onclick: () => confirmDialog.close() }, 'Cancel'),
    ),
  );
  root.replaceChildren(
    heading('Privacy'),
    h(
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
    ),
    h(
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
    ),
    h(
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
            { type: 'button', class: 'btn btn-danger', onclick: () => confirmDialog.showModal() },
            'Delete my presence history',
          )
        : null,
    ),
    confirmDialog,
  );
}
