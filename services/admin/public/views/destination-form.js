// Create / edit a destination. Naming rules (as in FreePBX "Misc Destinations"):
// generic destinations are named SMART-<Name> and offered to every user; specific ones are named
// <extension>-<Name> and offered only to that extension. The form builds the prefix; the API checks the rest.

import { h } from '../dom.js';
import { textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';

export function splitName(destination) {
  const name = destination?.name ?? '';
  const prefix = destination?.scope === 'specific' ? `${destination.extension}-` : 'SMART-';
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export function openDestinationForm({ api, notify, destination, onSaved }) {
  const editing = Boolean(destination);
  const scope = destination?.scope ?? 'generic';
  const prefix = h('span', { class: 'input-prefix', 'aria-hidden': 'true' }, 'SMART-');
  const preview = h('output', { class: 'preview', 'aria-live': 'polite' });
  const nameField = textField({
    label: 'Name',
    name: 'name',
    value: splitName(destination),
    required: true,
    autocomplete: 'off',
    hint: 'Letters, digits, "_" or "-", e.g. Desk or Mobile.',
  });
  const nameInput = nameField.querySelector('input');
  const prefixed = h('div', { class: 'field-prefixed' });
  nameInput.replaceWith(prefixed);
  prefixed.append(prefix, nameInput);
  const extensionField = textField({
    label: 'Extension',
    name: 'extension',
    value: destination?.extension ?? '',
    inputmode: 'numeric',
    autocomplete: 'off',
    hint: 'Only this extension is offered the destination.',
  });
  const scopeGroup = h(
    'fieldset',
    { class: 'field segmented' },
    h('legend', {}, 'Scope'),
    scopeOption('generic', 'Generic (every user)', scope),
    scopeOption('specific', 'Specific to one extension', scope),
  );
  const { form } = formDialog({
    title: editing ? `Edit ${destination.name}` : 'New destination',
    submitLabel: editing ? 'Save destination' : 'Create destination',
    fields: [
      scopeGroup,
      extensionField,
      nameField,
      h('p', { class: 'preview-line' }, 'Full name: ', preview),
      textField({
        label: 'Dial string',
        name: 'dial',
        value: destination?.dial ?? '',
        required: true,
        autocomplete: 'off',
        hint: 'What the PBX dials, e.g. 230 or 0049301234#.',
      }),
    ],
    onSubmit: async (data) => {
      // The API derives scope and extension from the name.
      const body = { name: fullName(), dial: String(data.get('dial')).trim() };
      try {
        if (editing) await api.destinations.update(destination.id, body);
        else await api.destinations.create(body);
      } catch (error) {
        // The API names the whole name; here the extension has its own field.
        if (error.code === 'ADMIN_EXTENSION_UNKNOWN') error.details = { field: 'extension' };
        throw error;
      }
      notify(`Destination ${body.name} ${editing ? 'saved' : 'created'}`);
      onSaved();
    },
  });

  function currentScope() {
    return form.querySelector('input[name=scope]:checked')?.value ?? 'generic';
  }
  function fullName() {
    const data = new FormData(form);
    const namePart = String(data.get('name')).trim();
    const ext = String(data.get('extension') ?? '').trim();
    return currentScope() === 'generic' ? `SMART-${namePart}` : `${ext || '<ext>'}-${namePart}`;
  }
  function refresh() {
    const specific = currentScope() === 'specific';
    extensionField.hidden = !specific;
    extensionField.querySelector('input').required = specific;
    const ext = String(new FormData(form).get('extension') ?? '').trim();
    prefix.textContent = specific ? `${ext || '<ext>'}-` : 'SMART-';
    preview.textContent = fullName();
  }
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  refresh();
}

function scopeOption(value, label, current) {
  const id = `scope-${value}`;
  return h(
    'div',
    { class: 'segment' },
    h('input', { type: 'radio', id, name: 'scope', value, checked: value === current }),
    h('label', { for: id }, label),
  );
}
