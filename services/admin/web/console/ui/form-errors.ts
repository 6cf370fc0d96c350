// Shows API errors inside a form: the message in the form's alert box and, when the error
// details name a field, next to that field (aria-invalid + aria-describedby for screen readers).

import { fill, h } from '../../shared/dom.js';

/**
 * What showFormError reads from an error: an ApiError (shared/api-client.ts) or a view's own
 * { message, details: { field } }. `summary` replaces the alert's text when a field is marked.
 */
export interface FormErrorLike {
  readonly message?: string;
  readonly code?: string;
  readonly summary?: string;
  readonly details?: unknown;
}

interface FieldError {
  readonly field: string;
  readonly message: unknown;
}

type Loose = Readonly<Record<string, unknown>>;
type RequiredControl = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

const isRecord = (value: unknown): value is Loose => typeof value === 'object' && value !== null;

export function clearFormErrors(form: HTMLElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    if (el.dataset.describedBy) el.setAttribute('aria-describedby', el.dataset.describedBy);
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  const alert = form.querySelector<HTMLElement>('.form-alert');
  if (alert) {
    alert.hidden = true;
    alert.replaceChildren();
  }
}

/** `error` is what a request threw (usually an ApiError) or a FormErrorLike; anything else reads as "Something went wrong." */
export function showFormError(form: HTMLElement, error: unknown): void {
  clearFormErrors(form);
  const facts: Loose = isRecord(error) ? error : {};
  let placed = 0;
  for (const { field, message } of fieldErrorsOf(facts)) {
    const input = findInput(form, field);
    if (!input) continue;
    placed += 1;
    // "body.name: required" reads "Scenario name: required", with the field's own label
    markInvalid(
      input,
      isRequiredMessage(message) ? `${labelOf(input) || humaniseField(field)}: required` : humanise(message),
    );
  }
  const summary =
    placed > 0 ? (text(facts.summary) ?? 'Please correct the highlighted field.') : humanise(facts.message);
  showAlert(form, summary, text(facts.code));
  if (placed > 0) form.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
}

/**
 * Before sending: every visible, enabled required control left empty is marked "<Label>: required".
 * Returns true when none is (the form may be sent).
 */
export function checkRequired(form: HTMLElement): boolean {
  clearFormErrors(form);
  const empty = [
    ...form.querySelectorAll<RequiredControl>('input[required], select[required], textarea[required]'),
  ].filter(
    (input) => !input.disabled && !input.closest('[hidden]') && String(input.value ?? '').trim() === '',
  );
  if (empty.length === 0) return true;
  for (const input of empty) markInvalid(input, `${labelOf(input) || input.name}: required`);
  showAlert(
    form,
    empty.length === 1 ? 'Please fill in the required field.' : 'Please fill in the required fields.',
  );
  empty[0]?.focus();
  return false;
}

function markInvalid(input: HTMLElement, message: string): void {
  const id = `${input.id || (input.getAttribute('name') ?? '')}-error`;
  const hints = input.getAttribute('aria-describedby') ?? '';
  input.dataset.describedBy = hints;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', `${id} ${hints}`.trim());
  const wrapper = input.closest('.field') ?? input.parentElement;
  wrapper?.append(h('p', { class: 'field-error', id }, message));
}

function showAlert(form: HTMLElement, summary: string, code?: string): void {
  const alert = form.querySelector<HTMLElement>('.form-alert');
  if (!alert) return;
  fill(
    alert,
    h('strong', {}, summary || 'Something went wrong.'),
    code ? h('span', { class: 'error-code' }, ` (${code})`) : null,
  );
  alert.hidden = false;
}

/** The text of the control's <label>, without "(optional)". */
function labelOf(input: HTMLElement): string {
  const label = input.id ? input.ownerDocument.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  return (label?.textContent ?? input.getAttribute('aria-label') ?? '')
    .replace(/\s*\(optional\)\s*$/, '')
    .trim();
}

const isRequiredMessage = (message: unknown): boolean =>
  typeof message === 'string' && /: required$/.test(message);

/** A string as is; anything else as undefined. */
const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * "body.name: must match pattern "^…$"" -> "Name contains characters that are not allowed here.";
 * "body.name: required" -> "Name: required". Anything but a string: its text ('' for none).
 */
export function humanise(message: unknown): string {
  if (typeof message !== 'string') return message === undefined || message === null ? '' : String(message);
  const match = /^(?:(?:body|query|params)\.)?([\w.[\]/]+): (.*)$/s.exec(message);
  if (!match) return message;
  const field = humaniseField(match[1] ?? '').toLowerCase();
  if (match[2] === 'required') return `${field.charAt(0).toUpperCase()}${field.slice(1)}: required`;
  let reason = match[2] ?? '';
  if (/^must match pattern/.test(reason)) reason = 'contains characters that are not allowed here';
  else if (/^must match format "uuid"/.test(reason)) reason = 'must be chosen from the list';
  const sentence = /^(must|is|are|has|have|should|contains)\b/.test(reason) ? `${field} ${reason}` : reason;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${/[.!?]$/.test(sentence) ? '' : '.'}`;
}

/** "body.scenarios.0.destinationId" -> "destination Id" -> last named part, words split */
function humaniseField(path: string): string {
  const parts = path.split(/[./]/).filter((part) => part && !/^\d+$/.test(part));
  return (parts.pop() ?? path).replace(/([a-z])([A-Z])/g, '$1 $2');
}

export function formAlert(): HTMLDivElement {
  return h('div', { class: 'form-alert', role: 'alert', hidden: true });
}

/** The fields the error's details name: a list of { field|path|…, message }, { field }, or { field: message }. */
function fieldErrorsOf(error: Loose): FieldError[] {
  const details = error.details;
  if (!details) return [];
  if (Array.isArray(details)) {
    return details
      .filter(isRecord)
      .map((item) => ({
        field: fieldName(item.field ?? item.path ?? item.instancePath ?? item.name ?? item.param),
        message: item.message ?? error.message,
      }))
      .filter((item) => item.field);
  }
  if (isRecord(details)) {
    if (typeof details.field === 'string')
      return [{ field: fieldName(details.field), message: error.message }];
    return Object.entries(details)
      .filter(([, value]) => typeof value === 'string')
      .map(([field, message]) => ({ field: fieldName(field), message }));
  }
  return [];
}

function fieldName(path: unknown): string {
  if (typeof path !== 'string' || path === '') return '';
  const parts = path
    .replace(/^(body|query|params)[./]/, '')
    .split(/[./[\]]/)
    .filter(Boolean);
  return parts[0] ?? '';
}

function findInput(form: HTMLElement, field: string): HTMLElement | null {
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = field.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  for (const name of [field, camel, snake]) {
    const input = form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
    if (input) return input;
  }
  for (const input of form.querySelectorAll<HTMLElement>('[data-error-for]')) {
    if ((input.dataset.errorFor ?? '').split(' ').includes(field)) return input;
  }
  return null;
}
