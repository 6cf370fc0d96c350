// Create / edit one scenario of a user: name, where calls go, default flag and rules.

import type { AnswerOf, BodyOf } from '../endpoints.js';
import { checkboxField, selectField, textField } from '../ui/fields.js';
import { formDialog } from '../ui/form-dialog.js';
import type { Destination } from './destination-form.js';
import { type Place, ruleEditor } from './rule-editor.js';

export type Scenario = AnswerOf<'/api/v1/users/{extension}/scenarios'>['items'][number];
type ScenarioBody = BodyOf<'/api/v1/users/{extension}/scenarios', 'put'>['scenarios'][number];
/** A scenario as the form gives it back (its place in the list is the list's); the owner is kept. */
export type ScenarioDraft = Omit<ScenarioBody, 'position'> & { owner?: Scenario['owner'] };

export interface ScenarioFormOptions {
  extension: string;
  /** absent: a new scenario */
  scenario?: Scenario;
  destinations: readonly Pick<Destination, 'id' | 'name' | 'dial'>[];
  locations: readonly Place[];
  onSubmit: (value: ScenarioDraft) => Promise<void>;
}

export function openScenarioForm({
  extension,
  scenario,
  destinations,
  locations,
  onSubmit,
}: ScenarioFormOptions): void {
  const rules = ruleEditor({ rules: scenario?.rules ?? [], locations });
  formDialog({
    title: scenario ? `Edit scenario ${scenario.name}` : `New scenario for ${extension}`,
    wide: true,
    submitLabel: scenario ? 'Save scenario' : 'Add scenario',
    fields: [
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
        required: true,
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
      checkboxField({
        label: 'Locked',
        name: 'locked',
        checked: scenario?.locked ?? false,
        hint: 'The user can neither change nor delete it from the phone or the self-service page.',
      }),
      rules.element,
    ],
    onSubmit: async (data: FormData) => {
      await onSubmit({
        ...(scenario?.id ? { id: scenario.id } : {}),
        name: String(data.get('name')).trim(),
        destinationId: String(data.get('destinationId') ?? ''),
        isDefault: data.get('isDefault') === 'on',
        locked: data.get('locked') === 'on',
        ...(scenario?.owner ? { owner: scenario.owner } : {}),
        rules: rules.read(),
      });
    },
  });
}
