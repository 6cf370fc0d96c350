// The server keys' status on the Server keys page: on or turned off for good, how many devices still
// use them, and "Turn off server keys for good" behind a typed confirmation (the exact phrase the API
// asks for) plus, while devices still use them, a "force" checkbox naming how many would be refused.

import { ApiError } from '../../shared/api-client.js';
import { h } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';
import { badge } from '../ui/data-table.js';
import { checkboxField, textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import type { Notify } from '../view-context.js';

/** What the administrator types to confirm (the API checks the same phrase). */
export const DISABLE_PHRASE = 'turn off server keys';

/** { serverKeysDisabled, devicesOnServerKey } (GET /keys/server-keys). */
export type ServerKeyStatus = AnswerOf<'/api/v1/keys/server-keys'>;

export interface ServerKeyStatusOptions {
  readonly api: Api;
  readonly notify: Notify;
  readonly status: ServerKeyStatus;
  /** Runs once the server keys are turned off (load the page again). */
  readonly onChanged: () => void;
}

interface DisableOptions extends Omit<ServerKeyStatusOptions, 'status'> {
  /** How many devices still use the server keys. */
  readonly n: number;
}

export function serverKeyStatusCard({ api, notify, status, onChanged }: ServerKeyStatusOptions): HTMLElement {
  const n = status.devicesOnServerKey;
  const devices = n === 1 ? '1 device' : `${n} devices`;
  if (status.serverKeysDisabled) {
    return h(
      'section',
      { class: 'card', 'aria-labelledby': 'server-keys-state', 'data-server-keys': 'off' },
      h('h2', { id: 'server-keys-state' }, 'Server keys: ', badge('Turned off for good', 'muted')),
      h(
        'p',
        {},
        'Every phone uses its own key (enrolment). Server keys can no longer be rotated or given to a new device.',
      ),
      n > 0
        ? h(
            'p',
            { class: 'warning-banner' },
            `${devices} ${n === 1 ? 'is' : 'are'} still on the server key and refused: enrol ${n === 1 ? 'it' : 'them'} on the Devices page.`,
          )
        : null,
    );
  }
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'server-keys-state', 'data-server-keys': 'on' },
    h('h2', { id: 'server-keys-state' }, 'Server keys: ', badge('On', 'success')),
    h(
      'p',
      {},
      n === 0
        ? 'No device uses the server keys any more: every phone has its own key.'
        : `${devices} still ${n === 1 ? 'uses' : 'use'} the shared server key. Enrol ${n === 1 ? 'it' : 'them'} on the Devices page before turning the server keys off.`,
    ),
    h(
      'div',
      { class: 'row-actions' },
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-danger',
          onclick: () => openDisable({ api, notify, n, onChanged }),
        },
        'Turn off server keys for good',
      ),
    ),
  );
}

function openDisable({ api, notify, n, onChanged }: DisableOptions): void {
  const devices = n === 1 ? '1 device' : `${n} devices`;
  formDialog({
    title: 'Turn off server keys for good?',
    submitLabel: 'Turn off server keys',
    fields: [
      h(
        'p',
        {},
        'Every server key is retired and can never be turned on again: only devices with their own key are accepted.',
      ),
      n > 0
        ? checkboxField({
            label: `Turn them off although ${devices} still ${n === 1 ? 'uses' : 'use'} them`,
            name: 'force',
            hint: `${n === 1 ? 'That device is' : 'Those devices are'} refused until enrolled.`,
          })
        : null,
      textField({
        label: `Type “${DISABLE_PHRASE}” to confirm`,
        name: 'confirm',
        required: true,
        autocomplete: 'off',
        spellcheck: 'false',
      }),
    ],
    onSubmit: async (data) => {
      if (String(data.get('confirm')).trim() !== DISABLE_PHRASE) {
        // no code: the form shows the message alone, next to the field
        throw new ApiError(0, '', `Type exactly: ${DISABLE_PHRASE}`, { field: 'confirm' });
      }
      await disableServerKeys(api, data.get('force') === 'on', n);
      notify('Server keys turned off for good');
      onChanged();
    },
  });
}

async function disableServerKeys(api: Api, force: boolean, n: number): Promise<void> {
  try {
    await api.keys.disableServerKeys({ confirm: DISABLE_PHRASE, ...(force ? { force: true } : {}) });
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'ADMIN_SERVER_KEY_IN_USE') throw error;
    // The API's text speaks of its request body; here the checkbox is the way.
    const inUse = error.details?.devicesOnServerKey;
    const count = typeof inUse === 'number' ? inUse : n;
    throw new ApiError(
      error.status,
      error.code,
      `${count === 1 ? '1 device still uses' : `${count} devices still use`} the server keys: tick the box to turn them off anyway.`,
      { field: 'force' },
    );
  }
}
