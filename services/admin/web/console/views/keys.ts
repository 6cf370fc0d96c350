// Server keys: the key ring with its rotation overlap (active / retiring until not-after / retired).
// A secret is shown once, right after it is generated, and never again. The status card says whether
// the server keys are on and how many devices still use them, and turns them off for good
// (server-keys-off.ts); after that rotating is refused, so the Rotate button is gone.

import { type Child, fill, formatDateTime, h } from '../../shared/dom.js';
import type { AnswerOf, Api } from '../endpoints.js';
import { type BadgeTone, badge, type Column, dataTable } from '../ui/data-table.js';
import { textField } from '../ui/fields.js';
import { formDialog, secretOnce } from '../ui/form-dialog.js';
import type { Cleanup, Notify, ViewContext } from '../view-context.js';
import { loadError, pageFrame, resultsRegion } from './page.js';
import { serverKeyStatusCard } from './server-keys-off.js';

type ServerKey = AnswerOf<'/api/v1/keys'>['items'][number];

const STATE_TONES: Record<ServerKey['state'], BadgeTone> = {
  active: 'success',
  retiring: 'warning',
  retired: 'muted',
};

const COLUMNS: readonly Column<ServerKey>[] = [
  { label: 'Key ID', className: 'mono', render: (k) => String(k.keyId) },
  { label: 'State', render: (k) => badge(capitalise(k.state), STATE_TONES[k.state]) },
  { label: 'Accepted until', render: (k) => (k.state === 'active' ? 'No end' : formatDateTime(k.notAfter)) },
  {
    label: 'Notes',
    render: (k) => (k.isDefault ? badge('Default key', 'danger') : h('span', { class: 'muted' }, '—')),
  },
  { label: 'Created', render: (k) => formatDateTime(k.createdAt) },
  { label: 'Created by', render: (k) => k.createdBy ?? '—' },
];

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
  const rotateButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', onclick: () => openRotate(api, notify, load) },
    'Rotate key',
  );
  const body = pageFrame(root, {
    title: 'Server keys',
    description:
      'Phones encrypt with the active key. During a rotation the previous key keeps working until its end time.',
    actions: [rotateButton],
  });
  const status = h('div', { class: 'server-key-status' });
  const results = resultsRegion();
  body.append(status, results);

  async function load(): Promise<void> {
    try {
      const [response, serverKeys] = await Promise.all([api.keys.list(), api.keys.serverKeys()]);
      const off = serverKeys.serverKeysDisabled;
      rotateButton.hidden = off;
      fill(status, serverKeyStatusCard({ api, notify, status: serverKeys, onChanged: load }));
      fill(results, keyRing(response.items, !off && response.defaultKeyActive));
    } catch (error) {
      fill(results, loadError(error));
    }
  }

  load();
  return undefined;
}

/** The keys' table, with a warning while the well-known default key is still accepted. */
function keyRing(keys: readonly ServerKey[], usesDefault: boolean): Child[] {
  const warning = usesDefault
    ? h(
        'p',
        { class: 'warning-banner', role: 'alert' },
        'The well-known default key is still accepted. Rotate to a new key as soon as every phone is set up.',
      )
    : null;
  const table = dataTable({ caption: 'Server keys', rows: keys, empty: 'No keys.', columns: COLUMNS });
  return [warning, overlapSummary(keys), table];
}

function openRotate(api: Api, notify: Notify, load: () => Promise<void>): void {
  formDialog({
    title: 'Rotate server key',
    submitLabel: 'Rotate key',
    fields: [
      h(
        'p',
        {},
        'A new key becomes active. The current key moves to “retiring” and is still accepted for the overlap, so phones can pick up the new key.',
      ),
      textField({
        label: 'Overlap (hours)',
        name: 'overlapHours',
        type: 'number',
        min: 0,
        max: 720,
        value: '24',
        'data-error-for': 'overlapSeconds overlap',
        hint: 'How long the current key keeps working.',
      }),
      textField({
        label: 'New secret (optional)',
        name: 'secret',
        autocomplete: 'off',
        spellcheck: 'false',
        maxlength: 16,
        hint: 'Leave empty to generate one. Otherwise exactly 16 letters and digits.',
      }),
    ],
    onSubmit: async (data) => {
      const secret = String(data.get('secret')).trim();
      const overlapSeconds = Math.round(Number(data.get('overlapHours')) * 3600);
      const result = await api.keys.rotate({ overlapSeconds, ...(secret ? { secret } : {}) });
      load();
      if (result.generatedSecret) {
        return secretOnce(
          `Key ${result.key.keyId} is now active. Copy its secret now: it will not be shown again.`,
          result.generatedSecret,
        );
      }
      notify(`Key ${result.key.keyId} is now active`);
    },
  });
}

function overlapSummary(keys: readonly ServerKey[]): HTMLElement | null {
  const retiring = keys.filter(
    (k) => k.state === 'retiring' && k.notAfter && new Date(k.notAfter).getTime() > Date.now(),
  );
  if (retiring.length === 0) return null;
  return h(
    'div',
    { class: 'info-banner' },
    h('strong', {}, 'Rotation in progress. '),
    retiring.map((k) => `Key ${k.keyId} is accepted until ${formatDateTime(k.notAfter)}. `),
  );
}

function capitalise(text = ''): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
