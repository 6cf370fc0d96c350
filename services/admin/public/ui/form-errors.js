// Shows API errors inside a form: the message in the form's alert box and, when the error
// details name a field, next to that field (aria-invalid + aria-describedby for screen readers).

import { fill, h } from '../dom.js';

export function clearFormErrors(form) {
  for (const el of form.querySelectorAll('[aria-invalid="true"]')) {
    el.removeAttribute('aria-invalid');
    if (el.dataset.describedBy) el.setAttribute('aria-describedby', el.dataset.describedBy);
    else el.removeAttribute('aria-describedby');
  }
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  const alert = form.querySelector('.form-alert');
  if (alert) {
    alert.hidden = true;
    alert.replaceChildren();
  }
}

export function showFormError(form, error) {
  clearFormErrors(form);
  const fieldErrors = fieldErrorsOf(error);
  let placed = 0;
  for (const { field, message } of fieldErrors) {
    const input = findInput(form, field);
    if (!input) continue;
    placed += 1;
    // "body.name: required" reads "Scenario name: required", with the field's own label
    markInvalid(
      input,
      isRequiredMessage(message) ? `${labelOf(input) || humaniseField(field)}: required` : humanise(message),
    );
  }
  showAlert(
    form,
    placed > 0 ? (error?.summary ?? 'Please correct the highlighted field.') : humanise(error?.message),
    error?.code,
  );
  if (placed > 0) form.querySelector('[aria-invalid="true"]')?.focus();
}

/**
 * Before sending: every visible, enabled required control left empty is marked "<Label>: required".
 * Returns true when none is (the form may be sent).
 */
export function checkRequired(form) {
  clearFormErrors(form);
  const empty = [...form.querySelectorAll('input[required], select[required], textarea[required]')].filter(
    (input) => !input.disabled && !input.closest('[hidden]') && String(input.value ?? '').trim() === '',
  );
  if (empty.length === 0) return true;
  for (const input of empty) markInvalid(input, `${labelOf(input) || input.name}: required`);
  showAlert(
    form,
    empty.length === 1 ? 'Please fill in the required field.' : 'Please fill in the required fields.',
  );
  empty[0].focus();
  return false;
}

function markInvalid(input, text) {
  const id = `${input.id || input.name}-error`;
  const hints = input.getAttribute('aria-describedby') ?? '';
  input.dataset.describedBy = hints;
  input.setAttribute('aria-invalid', 'true');
  input.setAttribute('aria-describedby', `${id} ${hints}`.trim());
  const wrapper = input.closest('.field') ?? input.parentElement;
  wrapper.append(h('p', { class: 'field-error', id }, text));
}

function showAlert(form, summary, code) {
  const alert = form.querySelector('.form-alert');
  if (!alert) return;
  fill(
    alert,
    h('strong', {}, summary || 'Something went wrong.'),
    code ? h('span', { class: 'error-code' }, ` (${code})`) : null,
  );
  alert.hidden = false;
}

/** The text of the control's <label>, without "(optional)". */
function labelOf(input) {
  const label = input.id ? input.ownerDocument.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  return (label?.textContent ?? input.getAttribute('aria-label') ?? '')
    .replace(/\s*\(optional\)\s*$/, '')
    .trim();
}

const isRequiredMessage = (message) => typeof message === 'string' && /: required$/.test(message);

/**
 * "body.name: must match pattern "^…$"" -> "Name contains characters that are not allowed here.";
 * "body.name: required" -> "Name: required".
 */
export function humanise(message) {
  if (typeof message !== 'string') return message;
  const match = /^(?:(?:body|query|params)\.)?([\w.[\]/]+): (.*)$/s.exec(message);
  if (!match) return message;
  const field = humaniseField(match[1]).toLowerCase();
  if (match[2] === 'required') return `${field.charAt(0).toUpperCase()}${field.slice(1)}: required`;
  let text = match[2];
  if (/^must match pattern/.test(text)) text = 'contains characters that are not allowed here';
  else if (/^must match format "uuid"/.test(text)) text = 'must be chosen from the list';
  const sentence = /^(must|is|are|has|have|should|contains)\b/.test(text) ? `${field} ${text}` : text;
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}${/[.!?]$/.test(sentence) ? '' : '.'}`;
}

/** "body.scenarios.0.destinationId" -> "destination Id" -> last named part, words split */
function humaniseField(path) {
  const parts = String(path)
    .split(/[./]/)
    .filter((part) => part && !/^\d+$/.test(part));
  return (parts.pop() ?? String(path)).replace(/([a-z])([A-Z])/g, '$1 $2');
}

export function formAlert() {
  return h('div', { class: 'form-alert', role: 'alert', hidden: true });
}

function fieldErrorsOf(error) {
  const details = error?.details;
  if (!details) return [];
  if (Array.isArray(details)) {
    return details
      .map((item) => ({
        field: fieldName(item.field ?? item.path ?? item.instancePath ?? item.name ?? item.param),
        message: item.message ?? error.message,
      }))
      .filter((item) => item.field);
  }
  if (typeof details === 'object') {
    if (typeof details.field === 'string')
      return [{ field: fieldName(details.field), message: error.message }];
    return Object.entries(details)
      .filter(([, value]) => typeof value === 'string')
      .map(([field, message]) => ({ field: fieldName(field), message }));
  }
  return [];
}

function fieldName(path) {
  if (typeof path !== 'string' || path === '') return '';
  const parts = path
    .replace(/^(body|query|params)[./]/, '')
    .split(/[./[\]]/)
    .filter(Boolean);
  return parts[0] ?? '';
}

function findInput(form, field) {
  const snake = field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
  const camel = field.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  for (const name of [field, camel, snake]) {
    const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
    if (input) return input;
  }
  for (const input of form.querySelectorAll('[data-error-for]')) {
    if (input.dataset.errorFor.split(' ').includes(field)) return input;
  }
  return null;
}
