// Create / edit one scenario of a user: name, where calls go, default flag and rules.

import { h } from '../dom.js';
import { openDialog } from '../ui/dialog.js';
import { checkboxField, selectField, textField } from '../ui/fields.js';
import { formAlert, showFormError } from '../ui/form-errors.js';
import { ruleEditor } from './rule-editor.js';

export function openScenarioForm({ extension, scenario, destinations, locations, onSubmit }) {
  const rules = ruleEditor({ rules: scenario?.rules ?? [], locations });
  const form = h(
    'form',
    { class: 'form', novalidate: true },
    formAlert(),
    textField({
      label: 'Scenario name',
      name: 'name',
      value: scenario?.name ?? '',
      required: true,
      autocomplete: 'off',
      hint: 'e.g. Office, Home, Travelling.',
    }),
    selectField({
      label: 'Send calls to',
      name: 'destinationId',
      value: scenario?.destinationId,
      options: destinations.map((d) => ({ value: d.id, label: `${d.name} (${d.dial})` })),
      hint: destinations.length
        ? undefined
        : `No destination is available to ${extension} yet: create one first.`,
    }),
    checkboxField({
      label: 'Default scenario',
      name: 'isDefault',
      checked: scenario?.isDefault ?? false,
      hint: 'Used when no other scenario matches. One per user.',
    }),
    rules.element,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'button', class: 'btn', onclick: () => dialog.close() }, 'Cancel'),
      h('button', { type: 'submit', class: 'btn btn-primary' }, scenario ? 'Save scenario' : 'Add scenario'),
    ),
  );
  const dialog = openDialog({
    title: scenario ? `Edit scenario ${scenario.name}` : `New scenario for ${extension}`,
    content: form,
    wide: true,
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const value = {
      ...(scenario?.id ? { id: scenario.id } : {}),
      name: String(data.get('name')).trim(),
      destinationId: String(data.get('destinationId') ?? ''),
      isDefault: data.get('isDefault') === 'on',
      rules: rules.read(),
    };
    try {
      await onSubmit(value);
      dialog.close();
    } catch (error) {
      showFormError(form, error);
    }
  });
}
