// The actions the AMI test server understands, with the byte layout Asterisk 22 uses for each
// (see packages/ami-protocol/fixtures). When an action and the call state match a recorded situation, the
// recorded reaction is played (recorded-scripts.ts, script-player.ts) so call event sequences are
// exactly Asterisk's; otherwise the generic handlers below answer with a minimal channel model.
import type { AmiMessage } from '@sa/ami-protocol';
import type { AmiServerCore } from './ami-server-core.js';
import type { AmiSession } from './ami-session.js';
import { amiTimestamp, eventTv, frame, response, type WireHeaders } from './ami-wire.js';
import { astDbCliOutput } from './astdb-cli.js';
import { GENERIC_ACTIONS, RecordedScripts } from './recorded-scripts.js';
import { ScriptPlayer } from './script-player.js';
import { channelHeaders, newChannel, parseCallerId, type SimulatedChannel } from './simulated-channel.js';

type Handler = (session: AmiSession, m: AmiMessage, id: string | undefined) => void;

const PRE_AUTH = new Set(['login', 'challenge', 'logoff']);

/** CoreSettings as Asterisk 22.10.1 answers it. */
const CORE_SETTINGS: WireHeaders = [
  ['AMIversion', '11.0.0'],
  ['AsteriskVersion', '22.10.1'],
  ['SystemName', ''],
  ['CoreMaxCalls', '0'],
  ['CoreMaxLoadAvg', '0.000000'],
  ['CoreRunUser', ''],
  ['CoreRunGroup', ''],
  ['CoreMaxFilehandles', '0'],
  ['CoreRealTimeEnabled', 'No'],
  ['CoreCDRenabled', 'No'],
  ['CoreHTTPenabled', 'No'],
  ['SoundsSearchCustomDir', 'No'],
];

export class ActionHandlers {
  readonly #s: AmiServerCore;
  readonly #table: Record<string, Handler>;
  #uniqueSeq = 0;
  #localSeq: number;
  readonly #player: ScriptPlayer | undefined;

  constructor(server: AmiServerCore) {
    this.#s = server;
    this.#localSeq = server.options.localChannelSeq;
    this.#player = server.options.recordedScripts
      ? new ScriptPlayer(server, RecordedScripts.shared(), {
          nextLocalSeq: () => (this.#localSeq++).toString(16).padStart(8, '0'),
          nextUniqueid: () => this.#nextUniqueid(),
        })
      : undefined;
    this.#table = this.#handlers();
  }

  /** Action name (lower case) -> handler. */
  #handlers(): Record<string, Handler> {
    return {
      login: (s, m, id) => this.#login(s, m, id),
      challenge: (s, m, id) => this.#challenge(s, m, id),
      logoff: (s, _m, id) => {
        s.send(response('Goodbye', id, [['Message', 'Thanks for all the fish.']]));
        s.end();
      },
      ping: (s, _m, id) =>
        s.send(
          response('Success', id, [
            ['Ping', 'Pong'],
            ['Timestamp', amiTimestamp(this.#s.options.now())],
          ]),
        ),
      events: (s, m, id) => this.#events(s, m, id),
      dbput: (s, m, id) => this.#dbPut(s, m, id),
      dbget: (s, m, id) => this.#dbGet(s, m, id),
      dbgettree: (s, m, id) => this.#dbGetTree(s, m, id),
      dbdel: (s, m, id) => this.#dbDel(s, m, id),
      dbdeltree: (s, m, id) => this.#dbDelTree(s, m, id),
      originate: (s, m, id) => this.#originate(s, m, id),
      redirect: (s, m, id) => this.#redirect(s, m, id),
      hangup: (s, m, id) => this.#hangup(s, m, id),
      setvar: (s, m, id) => this.#setvar(s, m, id),
      getvar: (s, m, id) => this.#getvar(s, m, id),
      userevent: (s, m, id) => this.#userEvent(s, m, id),
      coreshowchannels: (s, _m, id) => this.#coreShowChannels(s, id),
      bridgelist: (s, _m, id) => {
        // The generic model has no bridges (recorded scripts carry their own BridgeList answers).
        s.send(listStart(id, 'Bridge listing will follow'));
        s.send(listComplete('BridgeListComplete', id, 0));
      },
      confbridgelist: (s, m, id) =>
        this.#s.errorResponse(
          s,
          id,
          m.get('Conference') ? 'No active conferences.' : 'No Conference name provided.',
        ),
      coresettings: (s, _m, id) => s.send(response('Success', id, CORE_SETTINGS)),
      corestatus: (s, _m, id) => this.#coreStatus(s, id),
      command: (s, m, id) => this.#command(s, m, id),
    };
  }

  #coreStatus(s: AmiSession, id: string | undefined): void {
    const [date, time] = new Date(this.#s.startedAt).toISOString().split(/[T.]/) as [string, string];
    s.send(
      response('Success', id, [
        ['CoreStartupDate', date],
        ['CoreStartupTime', time],
        ['CoreReloadDate', date],
        ['CoreReloadTime', time],
        ['CoreCurrentCalls', String(this.#s.channels.size)],
        ['CoreProcessedCalls', String(this.#uniqueSeq)],
      ]),
    );
  }

  /** A CLI command: astdb commands answered from the database, others by options.commandOutput. */
  #command(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const command = m.get('Command') ?? '';
    const answer = response('Success', id, [
      ['Message', 'Command output follows'],
      ...(astDbCliOutput(this.#s.db, command) ?? this.#s.options.commandOutput(command)).map(
        (l): [string, string] => ['Output', l],
      ),
    ]);
    this.#s.commandAnswers.push({ command, bytes: answer.length });
    s.send(answer);
  }

  handle(session: AmiSession, m: AmiMessage): void {
    const id = m.get('ActionID');
    const action = m.get('Action');
    if (action === undefined) {
      this.#s.errorResponse(session, id, 'Missing action in request');
      return;
    }
    const key = action.toLowerCase();
    if (!session.authenticated && !PRE_AUTH.has(key)) {
      this.#s.errorResponse(session, id, 'Permission denied');
      return;
    }
    if (!GENERIC_ACTIONS.has(key) && this.#player?.tryPlay(session, m, id)) return;
    const handler = this.#table[key];
    if (handler === undefined) {
      this.#s.errorResponse(
        session,
        id,
        `Invalid/unknown command: ${action}. Use Action: ListCommands to show available commands.`,
      );
      return;
    }
    handler(session, m, id);
  }

  // ---- login -------------------------------------------------------------------------------

  #challenge(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    if (m.get('AuthType')?.toLowerCase() !== 'md5') {
      this.#s.errorResponse(s, id, 'Must specify AuthType');
      return;
    }
    s.challenge = String(100_000_000 + Math.floor(Math.random() * 899_999_999));
    s.send(response('Success', id, [['Challenge', s.challenge]]));
  }

  #login(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    if (s.authenticated) {
      s.send(response('Success', id, [['Message', 'Already authenticated']]));
      return;
    }
    const { username, secret } = this.#s.options;
    const user = m.get('Username');
    const md5 = m.get('AuthType')?.toLowerCase() === 'md5';
    const secretOk = md5
      ? s.challenge !== undefined && m.get('Key') === this.#s.md5Key(s.challenge)
      : m.get('Secret') === secret;
    if (this.#s.refuseLogin || user !== username || !secretOk) {
      s.send(response('Error', id, [['Message', 'Authentication failed']]));
      this.#securityEvent(user === username ? 'InvalidPassword' : 'InvalidAccountID', s, user ?? '');
      s.end();
      return;
    }
    s.authenticated = true;
    s.events = parseEventMask(m.get('Events'));
    s.send(response('Success', id, [['Message', 'Authentication accepted']]));
    const uptime = String(Math.floor((this.#s.options.now() - this.#s.startedAt) / 1000));
    if (s.wantsEvent('system,all')) {
      s.send(
        frame([
          ['Event', 'FullyBooted'],
          ['Privilege', 'system,all'],
          ['Uptime', uptime],
          ['LastReload', uptime],
          ['Status', 'Fully Booted'],
        ]),
      );
    }
    const tv = eventTv(this.#s.options.now());
    this.#s.emitEvent([
      ...this.#securityHeaders(s, {
        event: 'SuccessfulAuth',
        tv,
        severity: 'Informational',
        version: '1',
        account: username,
      }),
      ['UsingPassword', '0'],
      ['SessionTV', tv],
    ]);
  }

  #securityEvent(name: string, s: AmiSession, account: string): void {
    this.#s.emitEvent([
      ...this.#securityHeaders(s, {
        event: name,
        tv: eventTv(this.#s.options.now()),
        severity: 'Error',
        version: name === 'InvalidPassword' ? '2' : '1',
        account,
      }),
      ['SessionTV', '1970-01-01T00:00:00.000+0000'],
    ]);
  }

  /** The headers every AMI security event starts with (the event-specific ones follow). */
  #securityHeaders(
    s: AmiSession,
    e: { event: string; tv: string; severity: string; version: string; account: string },
  ): WireHeaders {
    return [
      ['Event', e.event],
      ['Privilege', 'security,all'],
      ['EventTV', e.tv],
      ['Severity', e.severity],
      ['Service', 'AMI'],
      ['EventVersion', e.version],
      ['AccountID', e.account],
      ['SessionID', s.sessionId],
      ['LocalAddress', `IPV4/TCP/127.0.0.1/${this.#s.port}`],
      ['RemoteAddress', `IPV4/TCP/127.0.0.1/${s.socket.remotePort}`],
    ];
  }

  #events(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    s.events = parseEventMask(m.get('EventMask'));
    s.send(response('Success', id, [['Events', s.events === 'off' ? 'Off' : 'On']]));
  }

  // ---- AstDB -------------------------------------------------------------------------------

  /**
   * DBPut/DBGet/DBDel: the Family and Key headers, else an error reply (Asterisk ends the message
   * with a full stop for DBGet and DBDel only, hence `stop`).
   */
  #familyAndKey(
    s: AmiSession,
    m: AmiMessage,
    id: string | undefined,
    stop: '' | '.',
  ): { family: string; key: string } | undefined {
    const family = m.get('Family');
    const key = m.get('Key');
    if (!family) {
      this.#s.errorResponse(s, id, `No family specified${stop}`);
      return undefined;
    }
    if (!key) {
      this.#s.errorResponse(s, id, `No key specified${stop}`);
      return undefined;
    }
    return { family, key };
  }

  #dbPut(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const target = this.#familyAndKey(s, m, id, '');
    if (!target) return;
    const { family, key } = target;
    this.#s.dbPut(family, key, m.get('Val') ?? '');
    s.send(response('Success', id, [['Message', 'Updated database successfully']]));
  }

  #dbGet(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const target = this.#familyAndKey(s, m, id, '.');
    if (!target) return;
    const { family, key } = target;
    const val = this.#s.dbGet(family, key);
    if (val === undefined) {
      this.#s.errorResponse(s, id, 'Database entry not found');
      return;
    }
    s.send(listStart(id, 'Result will follow'));
    s.send(
      frame([
        ['Event', 'DBGetResponse'],
        ['Family', family],
        ['Key', key],
        ['Val', val],
        ['ActionID', id || undefined],
      ]),
    );
    s.send(listComplete('DBGetComplete', id, 1));
  }

  #dbGetTree(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const prefix = treePrefix(m);
    const entries = [...this.#s.db.entries()]
      .filter(([k]) => prefix === '/' || k === prefix || k.startsWith(`${prefix}/`))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    s.send(listStart(id, 'Result will follow'));
    for (const [key, val] of entries) {
      s.send(
        frame([
          ['Event', 'DBGetTreeResponse'],
          ['Key', key],
          ['Val', val],
          ['ActionID', id || undefined],
        ]),
      );
    }
    s.send(listComplete('DBGetTreeComplete', id, entries.length));
  }

  #dbDel(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const target = this.#familyAndKey(s, m, id, '.');
    if (!target) return;
    const { family, key } = target;
    if (!this.#s.db.delete(`/${family}/${key}`)) {
      this.#s.errorResponse(s, id, 'Database entry could not be deleted');
      return;
    }
    s.send(response('Success', id, [['Message', 'Key deleted successfully']]));
  }

  #dbDelTree(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    if (!m.get('Family')) {
      this.#s.errorResponse(s, id, 'No family specified.');
      return;
    }
    const prefix = treePrefix(m);
    let deleted = 0;
    for (const k of [...this.#s.db.keys()]) {
      if (k === prefix || k.startsWith(`${prefix}/`)) {
        this.#s.db.delete(k);
        deleted++;
      }
    }
    if (deleted === 0) {
      this.#s.errorResponse(s, id, 'Database entry not found');
      return;
    }
    s.send(response('Success', id, [['Message', 'Key tree deleted successfully']]));
  }

  // ---- channels ----------------------------------------------------------------------------

  #nextUniqueid(): string {
    return `${Math.floor(this.#s.startedAt / 1000)}.${this.#uniqueSeq++}`;
  }

  /** Creates a channel (e.g. an inbound call waiting in our context) and announces it with Newchannel. */
  addChannel(partial: Partial<SimulatedChannel> & { name: string }): SimulatedChannel {
    const uniqueid = partial.uniqueid ?? this.#nextUniqueid();
    const c = newChannel({
      state: 4,
      stateDesc: 'Ring',
      linkedid: uniqueid,
      createdAt: this.#s.options.now(),
      ...partial,
      uniqueid,
    });
    this.#s.channels.set(c.name, c);
    this.#s.emitEvent([['Event', 'Newchannel'], ['Privilege', 'call,all'], ...channelHeaders(c)]);
    return c;
  }

  #coreShowChannels(s: AmiSession, id: string | undefined): void {
    const now = this.#s.options.now();
    const channels = [...this.#s.channels.values()];
    s.send(listStart(id, 'Channels will follow'));
    for (const c of channels) {
      const secs = Math.max(0, Math.floor((now - (c.createdAt ?? now)) / 1000));
      const hms = [secs / 3600, (secs / 60) % 60, secs % 60].map((n) =>
        String(Math.floor(n)).padStart(2, '0'),
      );
      s.send(
        frame([
          ['Event', 'CoreShowChannel'],
          ['ActionID', id || undefined],
          ...channelHeaders(c),
          ['Application', c.application ?? ''],
          ['ApplicationData', c.applicationData ?? ''],
          ['Duration', hms.join(':')],
          ['BridgeId', ''],
        ]),
      );
    }
    s.send(listComplete('CoreShowChannelsComplete', id, channels.length));
  }

  #originate(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const channel = m.get('Channel');
    if (!channel) {
      this.#s.errorResponse(s, id, 'Channel not specified');
      return;
    }
    const local = /^Local\/([^@]+)@([^/;]+)/.exec(channel);
    const exists = local ? this.#s.options.extensionExists(local[2] as string, local[1] as string) : true;
    const async = /^(true|yes|1|on)$/i.test(m.get('Async') ?? '');
    if (!async && !exists) {
      this.#s.errorResponse(s, id, 'Originate failed');
      return;
    }
    s.send(response('Success', id, [['Message', 'Originate successfully queued']]));
    const callerId = parseCallerId(m.get('CallerID'));
    const seq = (this.#localSeq++).toString(16).padStart(8, '0');
    const base = local ? `Local/${local[1]}@${local[2]}-${seq}` : `${channel}-${seq}`;
    const vars = new Map<string, string>();
    for (const v of m.getAll('Variable')) {
      const eq = v.indexOf('=');
      if (eq > 0) vars.set(v.slice(0, eq), v.slice(eq + 1));
    }
    const one = this.addChannel({
      name: `${base};1`,
      state: 0,
      stateDesc: 'Down',
      context: local?.[2] ?? 'default',
      exten: local?.[1] ?? 's',
      vars: new Map(vars),
    });
    const two = this.addChannel({
      name: `${base};2`,
      context: local?.[2] ?? 'default',
      exten: local?.[1] ?? 's',
      linkedid: one.uniqueid,
      vars: new Map(vars),
    });
    const app = m.get('Application');
    const target: WireHeaders = app
      ? [
          ['Application', app],
          ['Data', m.get('Data') ?? ''],
        ]
      : [
          ['Context', m.get('Context') ?? ''],
          ['Exten', m.get('Exten') ?? ''],
          ['Priority', m.get('Priority') ?? '1'],
        ];
    if (!exists) {
      this.#hangupChannel(two, 0, 'Unknown');
      this.#hangupChannel(one, 0, 'Unknown');
    } else {
      for (const c of [one, two]) {
        c.state = 6;
        c.stateDesc = 'Up';
        c.callerIdNum = callerId.num;
        c.callerIdName = callerId.name;
      }
    }
    this.#s.emitEvent([
      ['Event', 'OriginateResponse'],
      ['Privilege', 'call,all'],
      ['ActionID', id || undefined],
      ['Response', exists ? 'Success' : 'Failure'],
      ['Channel', exists ? one.name : channel],
      ...target,
      ['Reason', exists ? '4' : '0'],
      ['Uniqueid', exists ? one.uniqueid : '<unknown>'],
      ['CallerIDNum', callerId.num],
      ['CallerIDName', callerId.name],
    ]);
  }

  #redirect(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const name = m.get('Channel');
    if (!name) {
      this.#s.errorResponse(s, id, 'Channel not specified');
      return;
    }
    const c = this.#s.channels.get(name);
    if (!c) {
      this.#s.errorResponse(s, id, `Channel does not exist: ${name}`);
      return;
    }
    const extraName = m.get('ExtraChannel');
    const extra = extraName ? this.#s.channels.get(extraName) : undefined;
    if (extraName && !extra) {
      this.#s.errorResponse(s, id, `ExtraChannel does not exist: ${extraName}`);
      return;
    }
    c.context = m.get('Context') ?? c.context;
    c.exten = m.get('Exten') ?? c.exten;
    c.priority = Number(m.get('Priority') ?? 1);
    if (extra) {
      extra.context = m.get('ExtraContext') ?? m.get('Context') ?? extra.context;
      extra.exten = m.get('ExtraExten') ?? m.get('Exten') ?? extra.exten;
      extra.priority = Number(m.get('ExtraPriority') ?? m.get('Priority') ?? 1);
    }
    s.send(
      response('Success', id, [['Message', extra ? 'Dual Redirect successful' : 'Redirect successful']]),
    );
    const model = this.#s.dialplan;
    for (const ch of extra ? [c, extra] : [c]) {
      const exists = model
        ? model.exists(ch.context, ch.exten)
        : this.#s.options.extensionExists(ch.context, ch.exten);
      if (model && exists) {
        model.redirected(ch);
        continue;
      }
      if (!exists) {
        // Asterisk accepts the Redirect, then the channel (and its Local partner) hangs up.
        this.#hangupChannel(ch, 0, 'Unknown');
        const partner = localPartner(ch.name);
        const other = partner ? this.#s.channels.get(partner) : undefined;
        if (other) this.#hangupChannel(other, 16, 'Normal Clearing');
        continue;
      }
      this.#s.emitEvent([
        ['Event', 'Newexten'],
        ['Privilege', 'dialplan,all'],
        ...channelHeaders(ch),
        ['Extension', ch.exten],
        ['Application', 'AppDial2'],
        ['AppData', '(Outgoing Line)'],
      ]);
    }
  }

  #hangup(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const name = m.get('Channel');
    if (!name) {
      this.#s.errorResponse(s, id, 'No channel specified');
      return;
    }
    const cause = Number(m.get('Cause') ?? 16);
    const regex = /^\/(.*)\/$/.exec(name);
    if (regex) {
      const re = new RegExp(regex[1] as string);
      const matched = [...this.#s.channels.values()].filter((c) => re.test(c.name));
      s.send(listStart(id, 'Channels hung up will follow'));
      for (const c of matched)
        s.send(
          frame([
            ['Event', 'ChannelHungup'],
            ['Channel', c.name],
            ['ActionID', id || undefined],
          ]),
        );
      s.send(listComplete('ChannelsHungupListComplete', id, matched.length));
      for (const c of matched) this.#hangupChannel(c, cause, causeText(cause));
      return;
    }
    const c = this.#s.channels.get(name);
    if (!c) {
      this.#s.errorResponse(s, id, 'No such channel');
      return;
    }
    s.send(response('Success', id, [['Message', 'Channel Hungup']]));
    this.#hangupChannel(c, cause, causeText(cause));
    this.#s.dialplan?.hungUp(c);
  }

  #hangupChannel(c: SimulatedChannel, cause: number, text: string): void {
    this.#s.channels.delete(c.name);
    this.#s.emitEvent([
      ['Event', 'Hangup'],
      ['Privilege', 'call,all'],
      ...channelHeaders(c),
      ['Cause', String(cause)],
      ['Cause-txt', text],
    ]);
  }

  /** Setvar/Getvar: the Variable header and, when a Channel is named, an existing channel (else an error reply). */
  #variableTarget(
    s: AmiSession,
    m: AmiMessage,
    id: string | undefined,
  ): { variable: string; c: SimulatedChannel | undefined } | undefined {
    const variable = m.get('Variable');
    if (!variable) {
      this.#s.errorResponse(s, id, 'No variable specified');
      return undefined;
    }
    const name = m.get('Channel');
    const c = name ? this.#s.channels.get(name) : undefined;
    if (name && !c) {
      this.#s.errorResponse(s, id, 'No such channel');
      return undefined;
    }
    return { variable, c };
  }

  #setvar(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const target = this.#variableTarget(s, m, id);
    if (!target) return;
    const { variable, c } = target;
    c?.vars.set(variable, m.get('Value') ?? '');
    s.send(response('Success', id, [['Message', 'Variable Set']]));
    if (c) {
      this.#s.emitEvent([
        ['Event', 'VarSet'],
        ['Privilege', 'dialplan,all'],
        ...channelHeaders(c),
        ['Variable', variable],
        ['Value', m.get('Value') ?? ''],
      ]);
    }
  }

  #getvar(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const target = this.#variableTarget(s, m, id);
    if (!target) return;
    const { variable, c } = target;
    s.send(
      response('Success', id, [
        ['Variable', variable],
        ['Value', c?.vars.get(variable) ?? ''],
      ]),
    );
  }

  #userEvent(s: AmiSession, m: AmiMessage, id: string | undefined): void {
    const name = m.get('UserEvent');
    if (!name) {
      this.#s.errorResponse(s, id, 'Missing UserEvent name');
      return;
    }
    s.send(response('Success', id, [['Message', 'Event Sent']]));
    const rest = m.headers().filter(([n]) => n.toLowerCase() !== 'action' && n.toLowerCase() !== 'userevent');
    this.#s.emitEvent([['Event', 'UserEvent'], ['Privilege', 'user,all'], ['UserEvent', name], ...rest]);
  }
}

function parseEventMask(raw: string | undefined): 'on' | 'off' | ReadonlySet<string> {
  if (raw === undefined) return 'on';
  const v = raw.trim().toLowerCase();
  if (v === 'off' || v === 'no' || v === 'false' || v === '0') return 'off';
  if (v === 'on' || v === 'yes' || v === 'true' || v === '1' || v === 'all') return 'on';
  return new Set(v.split(',').map((c) => c.trim()));
}

function listStart(id: string | undefined, message: string): Buffer {
  return response('Success', id, [
    ['EventList', 'start'],
    ['Message', message],
  ]);
}

function listComplete(event: string, id: string | undefined, items: number): Buffer {
  return frame([
    ['Event', event],
    ['ActionID', id || undefined],
    ['EventList', 'Complete'],
    ['ListItems', String(items)],
  ]);
}

function treePrefix(m: AmiMessage): string {
  const family = m.get('Family') ?? '';
  const key = m.get('Key');
  return key ? `/${family}/${key}` : `/${family}`;
}

function causeText(cause: number): string {
  return cause === 16 ? 'Normal Clearing' : cause === 0 ? 'Unknown' : `Cause ${cause}`;
}

function localPartner(name: string): string | undefined {
  if (name.endsWith(';1')) return `${name.slice(0, -1)}2`;
  if (name.endsWith(';2')) return `${name.slice(0, -1)}1`;
  return undefined;
}
