// Server keys: the key ring with its rotation overlap (active / retiring until not-after / retired).
// A secret is shown once, right after it is generated, and never again. The status card says whether
// the server keys are on and how many devices still use them, and turns them off for good
// (server-keys-off.js); after that rotating is refused, so the Rotate button is gone.

import { fill, formatDateTime, h } from '../dom.js';
import { badge, dataTable } from '../ui/data-table.js';
import { textField } from '../ui/fields.js';
import { formDialog, secretOnce } from '../ui/form-dialog.js';
import { listItems } from '../ui/pager.js';
import { loadError, pageFrame, resultsRegion } from './page.js';
import { serverKeyStatusCard } from './server-keys-off.js';

const STATE_TONES = { active: 'success', retiring: 'warning', retired: 'muted' };

export function render(root, { api, notify }) {
  const rotateButton = h(
    'button',
    { type: 'button', class: 'btn btn-primary', onclick: () => openRotate() },
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

  async function load() {
    try {
      const [response, serverKeys] = await Promise.all([api.keys.list(), api.keys.serverKeys()]);
      const keys = listItems(response);
      const off = serverKeys.serverKeysDisabled;
      rotateButton.hidden = off;
      fill(status, serverKeyStatusCard({ api, notify, status: serverKeys, onChanged: load }));
      const usesDefault =
        !off && (response.defaultKeyActive ?? keys.some((k) => k.isDefault && k.state !== 'retired'));
      fill(
        results,
        usesDefault
          ? h(
              'p',
              { class: 'warning-banner', role: 'alert' },
              'The well-known default key is still accepted. Rotate to a new key as soon as every phone is set up.',
            )
          : null,
        overlapSummary(keys),
        dataTable({
          caption: 'Server keys',
          rows: keys,
          empty: 'No keys.',
          columns: [
            { label: 'Key ID', className: 'mono', render: (k) => String(k.keyId) },
            { label: 'State', render: (k) => badge(capitalise(k.state), STATE_TONES[k.state] ?? 'neutral') },
            {
              label: 'Accepted until',
              render: (k) => (k.state === 'active' ? 'No end' : formatDateTime(k.notAfter)),
            },

            {
              label: 'Notes',
              render: (k) =>
                k.isDefault ? badge('Default key', 'danger') : h('span', { class: 'muted' }, '—'),
            },
            { label: 'Created', render: (k) => formatDateTime(k.createdAt) },
            { label: 'Created by', render: (k) => k.createdBy ?? '—' },
          ],
        }),
      );
    } catch (error) {
      fill(results, loadError(error));
    }
  }

  function openRotate() {
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

  load();
}

function overlapSummary(keys) {
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

function capitalise(text = '') {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
