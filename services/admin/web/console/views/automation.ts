// Automation: API tokens for scripts (shown once) and the FreePBX "Misc Destinations" import.

import { fill, formatDateTime, h } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { actions, badge, type Column, rowButton } from '../ui/data-table.js';
import { checkboxField, textField } from '../ui/fields.js';
import { formDialog, secretOnce } from '../ui/form-dialog.js';
import { formAlert, showFormError } from '../ui/form-errors.js';
import { type ListView, listView } from '../ui/list-view.js';
import type { Cleanup, ViewContext } from '../view-context.js';
import { pageFrame, resultsRegion } from './page.js';

type Token = Awaited<ReturnType<Api['tokens']['list']>>['items'][number];
type ImportResult = Awaited<ReturnType<Api['freepbx']['import']>>;

export function render(root: HTMLElement, { api, notify }: ViewContext): Cleanup | undefined {
  const body = pageFrame(root, {
    title: 'Automation',
    description: 'API tokens for scripts, and importing destinations from FreePBX.',
  });
  const tokens = resultsRegion();
  body.append(
    tokenSection(tokens, () => createToken(api, tokenList)),
    importSection(api),
  );
  const tokenList: ListView = listView<Token>({
    results: tokens,
    notify,
    fetchPage: () => api.tokens.list(),
    caption: 'API tokens',
    empty: 'No API tokens.',
    columns: tokenColumns((t) => revoke(api, tokenList, t)),
  });
  tokenList.reload();
  return undefined;
}

function tokenSection(tokens: HTMLElement, onNew: () => void): HTMLElement {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'tokens-title' },
    h(
      'div',
      { class: 'section-head' },
      h('h2', { id: 'tokens-title' }, 'API tokens'),
      h('button', { type: 'button', class: 'btn btn-small btn-primary', onclick: onNew }, 'New token'),
    ),
    h(
      'p',
      { class: 'muted' },
      'Send as Authorization: Bearer <token>. A token is shown once, when it is created.',
    ),
    tokens,
  );
}

function tokenColumns(onRevoke: (t: Token) => void): Column<Token>[] {
  return [
    { label: 'Name', render: (t) => h('strong', {}, t.name) },
    { label: 'Created', render: (t) => formatDateTime(t.createdAt) },
    {
      label: 'State',
      render: (t) => (t.revoked ? badge('Revoked', 'muted') : badge('Active', 'success')),
    },
    {
      label: 'Actions',
      render: (t) =>
        t.revoked
          ? null
          : actions(
              rowButton('Revoke', { label: `Revoke ${t.name}`, onClick: () => onRevoke(t), danger: true }),
            ),
    },
  ];
}

function createToken(api: Api, tokenList: ListView): void {
  formDialog({
    title: 'New API token',
    submitLabel: 'Create token',
    fields: textField({
      label: 'Token name',
      name: 'name',
      required: true,
      autocomplete: 'off',
      hint: 'e.g. provisioning-script (letters, digits, _ . -).',
    }),
    onSubmit: async (data) => {
      const created = await api.tokens.create({ name: String(data.get('name')).trim() });
      tokenList.reload();
      return secretOnce(
        `Token ${created.name} is ready. Copy it now: it will not be shown again.`,
        created.token,
      );
    },
  });
}

function revoke(api: Api, tokenList: ListView, token: Token): Promise<void> {
  return tokenList.confirmChange(
    {
      title: 'Revoke token?',
      message: `Scripts using ${token.name} stop working at once.`,
      confirmLabel: 'Revoke token',
    },
    () => api.tokens.revoke(token.id),
    `Token ${token.name} revoked`,
  );
}

function importSection(api: Api): HTMLElement {
  const importResult = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    formAlert(),
    textField({
      label: 'FreePBX database URL (optional)',
      name: 'url',
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: 'mysql://user:password@host/asterisk',
      hint: 'Leave empty to use the server’s configured FreePBX database.',
    }),
    checkboxField({ label: 'Dry run (list what would be imported)', name: 'dryRun', checked: true }),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, 'Import destinations'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const url = String(data.get('url')).trim();
    const dryRun = data.get('dryRun') === 'on';
    try {
      const result = await api.freepbx.import({ dryRun, ...(url ? { url } : {}) });
      fill(importResult, importSummary(result, dryRun));
    } catch (error) {
      showFormError(form, error);
    }
  });
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import from FreePBX'),
    h(
      'p',
      { class: 'muted' },
      'Misc Destinations described SMART-<Name> or <ext>-<Name> become destinations.',
    ),
    form,
    importResult,
  );
}

function importSummary(result: ImportResult, dryRun: boolean): HTMLElement {
  return h(
    'div',
    { class: 'import-result' },
    h('h3', {}, dryRun ? 'Would create' : 'Created'),
    result.created.length
      ? h(
          'ul',
          {},
          result.created.map((name) => h('li', { class: 'mono' }, name)),
        )
      : h('p', { class: 'muted' }, 'Nothing.'),
    h('h3', {}, 'Skipped'),
    result.skipped.length
      ? h(
          'ul',
          {},
          result.skipped.map((s) => h('li', {}, h('span', { class: 'mono' }, s.name), ` — ${s.reason}`)),
        )
      : h('p', { class: 'muted' }, 'Nothing.'),
  );
}
