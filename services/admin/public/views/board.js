// "Who is where": each user's current scenario and target, and every device that reported with its
// last report (network, when, online or not, and router's reason), kept live by the API's event
// stream; a warning for each user whose FreePBX Follow Me ignores Smart Assistant (GET /followme-status).

import { fill, formatDateTime, h } from '../dom.js';
import { openEventStream } from '../sse-stream.js';
import { badge, dataTable } from '../ui/data-table.js';
import { followMeLabel, followMeWarnings } from '../ui/followme-warnings.js';
import { listItems } from '../ui/pager.js';
import { loadError, pageFrame, resultsRegion } from './page.js';

const STATUS_TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Stopped',
};
const STATUS_TONE = { connecting: 'muted', live: 'success', reconnecting: 'warning', closed: 'muted' };
/** Follow-Me problems change when someone edits FreePBX (router checks every few seconds): polled. */
const FOLLOW_ME_POLL_MS = 30_000;
/** Phones report all the time: redraw at most this often; and again so online turns offline on time. */
const DRAW_MS = 250;
const CLOCK_MS = 10_000;

export function render(root, { api }) {
  const status = h('span', { class: 'live-status', role: 'status', 'aria-live': 'polite' });
  const body = pageFrame(root, {
    title: 'Who is where',
    description:
      'The scenario each user is in right now, where their calls go, and each phone’s last report. Updates by itself.',
    actions: [status],
  });
  const results = resultsRegion();
  const followMe = h('div', {});
  body.append(followMe, results);
  const users = new Map();
  let flashed = '';
  let followMeProblems = new Map();
  let drawTimer = null;

  function setStatus(value) {
    fill(status, badge(STATUS_TEXT[value] ?? value, STATUS_TONE[value] ?? 'muted'));
  }

  function draw() {
    const rows = [...users.values()].sort((a, b) => String(a.extension).localeCompare(String(b.extension)));
    fill(
      results,
      dataTable({
        caption: 'Current scenario per user',
        rows,
        empty: 'No user has reported a position yet.',
        columns: [
          {
            label: 'Extension',
            render: (u) => [
              h('strong', { class: u.extension === flashed ? 'flash' : undefined }, u.extension),
              followMeProblems.has(u.extension)
                ? [' ', badge(followMeLabel(followMeProblems.get(u.extension)), 'warning')]
                : null,
            ],
          },
          { label: 'Scenario', render: (u) => u.scenarioName || h('span', { class: 'muted' }, '—') },
          { label: 'Calls go to', render: targetCell },
          { label: 'Why', render: (u) => u.reason || h('span', { class: 'muted' }, '—') },
          { label: 'Since', render: (u) => formatDateTime(u.decidedAt ?? u.updatedAt) },
          { label: 'Phones (last report)', render: devicesCell },
        ],
      }),
    );
  }

  function drawSoon() {
    if (drawTimer) return;
    drawTimer = setTimeout(() => {
      drawTimer = null;
      draw();
    }, DRAW_MS);
  }

  function apply(entry) {
    const current = users.get(entry.extension);
    if (current?.version && entry.version && entry.version < current.version) return;
    users.set(entry.extension, { ...current, ...entry });
    flashed = entry.extension;
    drawSoon();
  }

  async function loadFollowMe() {
    try {
      const problems = listItems(await api.followMe.problems());
      const next = new Map(problems.map((p) => [p.extension, p]));
      if (JSON.stringify([...next]) === JSON.stringify([...followMeProblems])) return;
      followMeProblems = next;
      fill(followMe, followMeWarnings(problems));
      if (users.size) draw();
    } catch {
      // the board itself still works; the next poll tries again
    }
  }
  loadFollowMe();
  const followMeTimer = setInterval(loadFollowMe, FOLLOW_ME_POLL_MS);
  const clockTimer = setInterval(() => users.size && drawSoon(), CLOCK_MS);

  setStatus('connecting');
  api.board
    .current()
    .then((response) => {
      for (const entry of listItems(response)) users.set(entry.extension, entry);
      draw();
    })
    .catch((error) => fill(results, loadError(error)));

  const stream = openEventStream({
    url: api.board.streamUrl(),
    headers: () => api.client.authHeaders(),
    onStatus: setStatus,
    onEvent: (event) => {
      try {
        const entry = JSON.parse(event.data);
        if (entry?.extension) apply(entry);
      } catch {
        // keep-alive or malformed event: ignore
      }
    },
  });
  return () => {
    clearInterval(followMeTimer);
    clearInterval(clockTimer);
    clearTimeout(drawTimer);
    stream.close();
  };
}

/** Each phone of the user: online or offline, the network it reported, where that is, and when. */
function devicesCell(user) {
  const devices = user.devices ?? [];
  if (devices.length === 0) return h('span', { class: 'muted' }, 'none since the console started');
  const now = Date.now();
  return h(
    'ul',
    { class: 'device-reports', 'aria-label': `Phones of ${user.extension}` },
    devices.map((d) => {
      const online = new Date(d.onlineUntil).getTime() > now;
      const net = d.network;
      return h(
        'li',
        {},
        badge(online ? 'Online' : 'Offline', online ? 'success' : 'muted'),
        h('span', { class: 'mono' }, d.deviceId),
        net
          ? h(
              'span',
              {},
              net.ssid ? `Wi-Fi “${net.ssid}”` : 'Wi-Fi',
              net.bssid ? h('small', { class: 'mono muted' }, ` ${net.bssid}`) : null,
            )
          : h('span', {}, 'no Wi-Fi'),
        d.location ? h('span', {}, `at ${d.location}`) : net ? badge('unknown network', 'warning') : null,
        h('small', { class: 'muted' }, `reported ${formatDateTime(d.reportedAt)}`),
        d.reason && d.reason !== user.reason
          ? h('small', { class: 'muted stack' }, `then: ${d.scenarioName || 'no scenario'} — ${d.reason}`)
          : null,
      );
    }),
  );
}

function targetCell(user) {
  const name = user.targetName;
  const dial = user.targetDial;
  if (!name && !dial) return h('span', { class: 'muted' }, '—');
  return h(
    'span',
    { class: 'stack' },
    name ?? dial,
    name && dial ? h('small', { class: 'muted mono' }, dial) : null,
  );
}
