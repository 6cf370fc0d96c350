import assert from 'node:assert/strict';
import { test } from 'node:test';
import { roleRefusal } from './roles.js';

test('given an administrator, when any route is asked for, then nothing is refused', () => {
  assert.equal(roleRefusal('administrator', undefined, { anything: 1 }), null);
});

test('given helpdesk, when a route says nothing about helpdesk, then it is refused (default deny)', () => {
  assert.match(roleRefusal('helpdesk', undefined, undefined) ?? '', /administrator role/);
});

test('given helpdesk, when a route is allowed, then it passes', () => {
  assert.equal(roleRefusal('helpdesk', 'allowed', { x: 1 }), null);
});

test('given helpdesk and a route allowing only some fields, when the body has another, then it is named', () => {
  const access = { onlyFields: ['enabled'] };
  assert.equal(roleRefusal('helpdesk', access, { enabled: false }), null);
  assert.equal(
    roleRefusal('helpdesk', access, { enabled: true, extension: '201' }),
    'the helpdesk role may change only enabled here, not extension',
  );
});
