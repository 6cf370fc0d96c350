// Your places (editable) and the shared ones (read-only). A browser cannot read Wi-Fi: type the
// network name (SSID) your phone connects to there and/or the access point's address (BSSID).
import { h } from '../../shared/dom.js';
import { type Item, type MeContext, messageOf, type PlaceBody } from '../api.js';
import { editDelete, type Field, field, formAlert, heading, saveCancel } from '../dom.js';

type Place = Item<'places'>;

export async function render(root: HTMLElement, ctx: MeContext): Promise<void> {
  const { items } = await ctx.api.places();
  const own = items.filter((p) => !p.shared);
  const shared = items.filter((p) => p.shared);
  const editorSlot = h('div');
  const open = (place: Place | null): void => {
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

const networks = (p: Place): string =>
  [...p.ssids.map((s) => `network ${s}`), ...p.bssids.map((b) => `access point ${b}`)].join(', ');

function item(ctx: MeContext, p: Place, open: (place: Place) => void): HTMLLIElement {
  return h(
    'li',
    { class: 'card' },
    h('h3', { class: 'item-title' }, p.name),
    h('p', { class: 'muted' }, networks(p) || 'no network'),
    p.shared
      ? h('p', { class: 'lock-note' }, 'Shared: only your administrator can change it.')
      : editDelete(ctx, {
          noun: 'place',
          name: p.name,
          edit: () => open(p),
          remove: () => ctx.api.deletePlace(p.id),
        }),
  );
}

function editor({ api, notify, refresh }: MeContext, p: Place | null, close: () => void): HTMLFormElement {
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
    name.element,
    ssid.element,
    bssid.element,
    saveCancel(close),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = placeBody({ name, ssid, bssid });
    try {
      await (p ? api.updatePlace(p.id, body) : api.createPlace(body));
      notify(`Place ${body.name ?? p?.name} saved.`);
      await refresh();
    } catch (error) {
      alert.textContent = messageOf(error);
    }
  });
  return form;
}

/** The fields filled in (an empty one is left out: the place keeps what it has). */
function placeBody(fields: Record<keyof PlaceBody, Field<HTMLInputElement>>): PlaceBody {
  const body: PlaceBody = {};
  for (const key of ['name', 'ssid', 'bssid'] as const) {
    const value = fields[key].control.value.trim();
    if (value) body[key] = value;
  }
  return body;
}
