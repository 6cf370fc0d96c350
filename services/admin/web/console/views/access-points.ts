// Access points: the RADIUS accounting clients (access points, Wi-Fi controllers) whose accounting
// tells which phone is on the Wi-Fi, even without the app (docs/radius.md). Each has a name, the
// address or network it sends from, and a shared secret: shown once, right after it is generated
// (add, rotate), never again. Administrators only.

import { h } from '../../shared/dom.js';
import type { AnswerOf } from '../endpoints.js';
import { actions, badge, rowButton } from '../ui/data-table.js';
import { checkboxField, textField } from '../ui/fields.js';
import { formDialog, secretOnce } from '../ui/form-dialog.js';
import { listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame } from './page.js';

type Client = AnswerOf<'/api/v1/accounting-clients'>['items'][number];

interface RowActions {
  edit(client: Client): void;
  toggle(client: Client): void;
  rotate(client: Client): void;
  remove(client: Client): void;
}

export function render(root: HTMLElement, ctx: ViewContext): Cleanup | undefined {
  const { api, notify } = ctx;
  const body = pageFrame(root, {
    title: 'Access points',
    description:
      'Access points and Wi-Fi controllers that send RADIUS accounting: a phone whose Wi-Fi MAC address is on its device counts as present, with or without the app.',
    actions: [
      h(
        'button',
        { type: 'button', class: 'btn btn-primary', onclick: () => openForm() },
        'Add access point',
      ),
    ],
  });

  const list = listView({
    notify,
    fetchPage: () => api.accountingClients.list(),
    caption: 'Access points',
    empty: 'No access points yet. Add one, then set its RADIUS accounting server to this PBX.',
    columns: clientColumns({ edit: openForm, toggle, rotate, remove }),
  });
  const reload = () => list.reload();

  function openForm(client?: Client) {
    openClientForm(ctx, client, reload);
  }

  function toggle(client: Client) {
    return list.change(
      () => api.accountingClients.update(client.id, { enabled: !client.enabled }),
      `Access point ${client.name} ${client.enabled ? 'disabled' : 'enabled'}`,
    );
  }

  function rotate(client: Client) {
    openRotateDialog(ctx, client, reload);
  }

  function remove(client: Client) {
    return list.confirmChange(
      {
        title: 'Delete access point?',
        message: `Accounting from ${client.name} (${client.network}) will be refused from now on.`,
        confirmLabel: 'Delete access point',
      },
      () => api.accountingClients.remove(client.id),
      `Access point ${client.name} deleted`,
    );
  }

  body.append(list.results);
  list.reload();
  return undefined;
}

function clientColumns(act: RowActions) {
  return [
    { label: 'Name', render: (c: Client) => h('strong', {}, c.name) },
    { label: 'Address or network', className: 'mono', render: (c: Client) => c.network },
    {
      label: 'Status',
      render: (c: Client) => (c.enabled ? badge('Enabled', 'success') : badge('Disabled', 'muted')),
    },
    {
      label: 'Actions',
      render: (c: Client) =>
        actions(
          rowButton('Edit', { label: `Edit ${c.name}`, onClick: () => act.edit(c) }),
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-small',
              'aria-label': `${c.enabled ? 'Disable' : 'Enable'} ${c.name}`,
              onclick: () => act.toggle(c),
            },
            c.enabled ? 'Disable' : 'Enable',
          ),
          rowButton('New secret', { label: `New secret for ${c.name}`, onClick: () => act.rotate(c) }),
          rowButton('Delete', { label: `Delete ${c.name}`, onClick: () => act.remove(c), danger: true }),
        ),
    },
  ];
}

/** Add (client absent) or edit an access point; a generated secret is shown once, in the dialog. */
function openClientForm({ api, notify }: ViewContext, client: Client | undefined, reload: () => void): void {
  formDialog({
    title: client ? `Edit ${client.name}` : 'Add access point',
    submitLabel: client ? 'Save access point' : 'Add access point',
    fields: clientFields(client),
    onSubmit: async (data: FormData) => {
      const payload = {
        name: String(data.get('name')).trim(),
        network: String(data.get('network')).trim(),
      };
      if (client) {
        await api.accountingClients.update(client.id, { ...payload, enabled: data.get('enabled') === 'on' });
        notify(`Access point ${payload.name} saved`);
        reload();
        return undefined;
      }
      const secret = String(data.get('secret') ?? '');
      const result = await api.accountingClients.create({ ...payload, ...(secret ? { secret } : {}) });
      reload();
      if (result.generatedSecret) {
        return secretOnce(
          `Access point ${result.client.name} added. Enter this shared secret in its RADIUS accounting settings now: it will not be shown again.`,
          result.generatedSecret,
        );
      }
      notify(`Access point ${result.client.name} added`);
      return undefined;
    },
  });
}

/** Name and network; then Enabled when editing, or an optional secret when adding. */
function clientFields(client: Client | undefined): HTMLElement[] {
  return [
    textField({
      label: 'Name',
      name: 'name',
      value: client?.name ?? '',
      required: true,
      autocomplete: 'off',
      hint: 'e.g. Controller 1 or AP lobby (letters, digits, spaces, _ . ( ) -).',
    }),
    textField({
      label: 'Address or network',
      name: 'network',
      value: client?.network ?? '',
      required: true,
      autocomplete: 'off',
      spellcheck: 'false',
      hint: 'The IP address the accounting comes from (192.0.2.10), or a network (192.0.2.0/24, 2001:db8::/48).',
    }),
    client
      ? checkboxField({ label: 'Enabled', name: 'enabled', checked: client.enabled })
      : textField({
          label: 'Shared secret (optional)',
          name: 'secret',
          type: 'password',
          autocomplete: 'new-password',
          spellcheck: 'false',
          maxlength: 128,
          hint: 'Leave empty to generate a strong one (shown once). Otherwise 16 to 128 characters, no spaces.',
        }),
  ];
}

function openRotateDialog({ api }: ViewContext, client: Client, reload: () => void): void {
  formDialog({
    title: `New secret for ${client.name}`,
    submitLabel: 'Generate new secret',
    fields: [
      h(
        'p',
        {},
        'The current secret stops working at once: accounting from this access point is refused until it is given the new one.',
      ),
    ],
    onSubmit: async () => {
      const result = await api.accountingClients.rotateSecret(client.id);
      reload();
      return secretOnce(
        `Enter this new shared secret in the RADIUS accounting settings of ${client.name} now: it will not be shown again.`,
        // the API generates one whenever none is supplied, as here
        result.generatedSecret ?? '',
      );
    },
  });
}
