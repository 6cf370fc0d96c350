import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type NatsConnection } from '@sa/platform';
import { busNames, decodeMessage, v1 } from '@sa/proto';
import { NatsFollowMePublisher } from './followme-publisher.js';

test('given a no-followme announcement, when published, then a FollowMeStatusChanged with the fix goes to the user subject', async () => {
  const sent: { subject: string; data: Uint8Array }[] = [];
  const nc = { publish: (subject: string, data: Uint8Array) => void sent.push({ subject, data }) };
  const publisher = new NatsFollowMePublisher(
    nc as unknown as NatsConnection,
    busNames('t_fm'),
    createLogger('t', 'silent'),
  );
  publisher.followMeStatusChanged('233', {
    status: 'no-followme',
    fix: 'Applications > Follow Me for 233: save once',
    checkedAtMs: 1_700_000_000_000,
    republishMs: 60_000,
  });
  publisher.followMeStatusChanged('233', {
    status: 'ok',
    fix: null,
    checkedAtMs: 1_700_000_005_000,
    republishMs: 60_000,
  });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(
    sent.map((m) => m.subject),
    ['t_fm.v1.router.followme.233', 't_fm.v1.router.followme.233'],
  );
  const [problem, ok] = sent.map((m) =>
    decodeMessage(v1.FollowMeStatusChanged, m.data, 'FollowMeStatusChanged'),
  );
  assert.equal(problem?.status, v1.FollowMeStatus.FOLLOW_ME_STATUS_NO_FOLLOWME);
  assert.equal(problem?.fix, 'Applications > Follow Me for 233: save once');
  assert.equal(Number(problem?.checkedAtMs), 1_700_000_000_000);
  assert.equal(Number(problem?.republishMs), 60_000);
  assert.equal(ok?.status, v1.FollowMeStatus.FOLLOW_ME_STATUS_OK);
  assert.equal(ok?.fix, '');
});
