// Create / edit a destination. Naming rules (as in FreePBX "Misc Destinations"):
// generic destinations are named SMART-<Name> and offered to every user; specific ones are named
// <extension>-<Name> and offered only to that extension. The form builds the prefix; the API checks the rest.

import { ApiError } from '../../shared/api-client.js';
import { h } from '../../shared/dom.js';
import type { AnswerOf, Api, BodyOf } from '../endpoints.js';
import { textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import type { Notify } from '../view-context.js';

export type Destination = AnswerOf<'/api/v1/destinations'>['items'][number];
type Scope = Destination['scope'];

export function splitName(destination?: Pick<Destination, 'name' | 'scope' | 'extension'>): string {
  const name = destination?.name ?? '';
  const prefix = destination?.scope === 'specific' ? `${destination.extension}-` : 'SMART-';
  return name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export interface DestinationFormOptions {
  api: Api;
  notify: Notify;
  /** absent: a new destination */
  destination?: Destination;
  onSaved: () => void;
}

export function openDestinationForm({ api, notify, destination, onSaved }: DestinationFormOptions): void {
  const parts = destinationFields(destination);
  const { form } = formDialog({
    title: destination ? `Edit ${destination.name}` : 'New destination',
    submitLabel: destination ? 'Save destination' : 'Create destination',
    fields: parts.fields,
    onSubmit: async (data: FormData) => {
      // The API derives scope and extension from the name.
      const body = { name: fullName(form), dial: String(data.get('dial')).trim() };
      await saveDestination(api, destination, body);
      notify(`Destination ${body.name} ${destination ? 'saved' : 'created'}`);
      onSaved();
    },
  });

  function refresh() {
    const specific = currentScope(form) === 'specific';
    parts.extensionField.hidden = !specific;
    inputOf(parts.extensionField).required = specific;
    const ext = String(new FormData(form).get('extension') ?? '').trim();
    parts.prefix.textContent = specific ? `${ext || '<ext>'}-` : 'SMART-';
    parts.preview.textContent = fullName(form);
  }
  form.addEventListener('input', refresh);
  form.addEventListener('change', refresh);
  refresh();
}

/** The form's fields, and the parts that follow the chosen scope (prefix, extension, preview). */
function destinationFields(destination: Destination | undefined) {
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
  // the prefix is drawn in front of the input, inside the same field
  const nameInput = inputOf(nameField);
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
  const scope = destination?.scope ?? 'generic';
  const scopeGroup = h(
    'fieldset',
    { class: 'field segmented' },
    h('legend', {}, 'Scope'),
    scopeOption('generic', 'Generic (every user)', scope),
    scopeOption('specific', 'Specific to one extension', scope),
  );
  const fields = [
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
  ];
  return { prefix, preview, extensionField, fields };
}

async function saveDestination(
  api: Api,
  destination: Destination | undefined,
  body: BodyOf<'/api/v1/destinations', 'post'>,
): Promise<void> {
  try {
    if (destination) await api.destinations.update(destination.id, body);
    else await api.destinations.create(body);
  } catch (error) {
    // The API names the whole name; here the extension has its own field.
    if (error instanceof ApiError && error.code === 'ADMIN_EXTENSION_UNKNOWN')
      throw new ApiError(error.status, error.code, error.message, { field: 'extension' });
    throw error;
  }
}

function currentScope(form: HTMLFormElement): Scope {
  const checked = form.querySelector<HTMLInputElement>('input[name=scope]:checked')?.value;
  return checked === 'specific' ? 'specific' : 'generic';
}

function fullName(form: HTMLFormElement): string {
  const data = new FormData(form);
  const namePart = String(data.get('name')).trim();
  const ext = String(data.get('extension') ?? '').trim();
  return currentScope(form) === 'generic' ? `SMART-${namePart}` : `${ext || '<ext>'}-${namePart}`;
}

/** The text input a textField() wraps (it always has one). */
function inputOf(field: HTMLElement): HTMLInputElement {
  const input = field.querySelector('input');
  if (!input) throw new Error('a text field without its input');
  return input;
}

function scopeOption(value: Scope, label: string, current: Scope): HTMLDivElement {
  const id = `scope-${value}`;
  return h(
    'div',
    { class: 'segment' },
    h('input', { type: 'radio', id, name: 'scope', value, checked: value === current }),
    h('label', { for: id }, label),
  );
}
