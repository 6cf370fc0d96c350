// Your places (editable) and the shared ones (read-only). A browser cannot read Wi-Fi: type the
// network name (SSID) your phone connects to there and/or the access point's address (BSSID).
import { field, formAlert, h, heading, saveCancel } from '../dom.js';

export async function render(root, ctx) {
  const { items } = await ctx.api.places();
  const own = items.filter((p) => !p.shared);
  const shared = items.filter((p) => p.shared);
  const editorSlot = h('div');
  const open = (place) => {
    editorSlot.replaceChildren(editor(ctx, place, () => editorSlot.replaceChildren()));
    editorSlot.querySelector('input')?.focus();
  };
  root.replaceChildren(
    heading('My places'),
    h('button', { type: 'button', class: 'btn btn-primary', onclick: () => open(null) }, 'New place'),
    editorSlot,
    h('h2', {}, 'Mine'),
    own.length
      ? h(
          'ul',
          { class: 'list' },
          own.map((p) => item(ctx, p, open)),
        )
      : h('p', { class: 'muted' }, 'No places of your own yet.'),
    h('h2', {}, 'Shared by your administrator'),
    shared.length
      ? h(
          'ul',
          { class: 'list' },
          shared.map((p) => item(ctx, p, open)),
        )
      : h('p', { class: 'muted' }, 'None.'),
  );
}

const networks = (p) =>
  [...p.ssids.map((s) => `network ${s}`), ...p.bssids.map((b) => `access point ${b}`)].join(', ');

function item({ api, notify, refresh }, p, open) {
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'item-title' }, p.name),
    h('p', { class: 'muted' }, networks(p) || 'no network'),
    p.shared
      ? h('p', { class: 'lock-note' }, 'Shared: only your administrator can change it.')
      : h(
          'div',
          { class: 'actions' },
          h(
            'button',
            { type: 'button', class: 'btn', 'aria-label': `Edit ${p.name}`, onclick: () => open(p) },
            'Edit',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-danger',
              'aria-label': `Delete ${p.name}`,
              onclick: async () => {
                if (!window.confirm(`Delete place "${p.name}"?`)) return;
                try {
                  await api.deletePlace(p.id);
                  notify(`Place ${p.name} deleted.`);
                  await refresh();
                } catch (error) {
                  notify(error.message);
                }
              },
            },
            'Delete',
          ),
        ),
  );
}

function editor({ api, notify, refresh }, p, close) {
  const alert = formAlert();
  const name = field('Name', { name: 'name', value: p?.name ?? '', maxlength: '64', required: true });
  const ssid = field(
    'Network name (SSID)',
    { name: 'ssid', maxlength: '32', autocomplete: 'off' },
    null,
    p ? 'Adds a network to this place.' : 'As your phone shows it.',
  );
  const bssid = field(
    'Access point address (BSSID)',
    { name: 'bssid', placeholder: 'aa:bb:cc:dd:ee:ff', autocomplete: 'off' },
    null,
    'Optional: pins the place to one access point.',
  );
  const form = h(
    'form',
    { class: 'card editor', 'aria-labelledby': 'place-editor-title', novalidate: true },
    h('h2', { id: 'place-editor-title' }, p ? `Edit ${p.name}` : 'New place'),
    alert,
    name,
    ssid,
    bssid,
    saveCancel(close),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = (f) => f.querySelector('input').value.trim();
    const body = {
      ...(value(name) ? { name: value(name) } : {}),
      ...(value(ssid) ? { ssid: value(ssid) } : {}),
      ...(value(bssid) ? { bssid: value(bssid) } : {}),
    };
    try {
      await (p ? api.updatePlace(p.id, body) : api.createPlace(body));
      notify(`Place ${body.name ?? p?.name} saved.`);
      await refresh();
    } catch (error) {
      alert.textContent = error.message;
    }
  });
  return form;
}
