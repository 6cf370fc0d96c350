// sa-phone commands for the user's own scenarios and places (docs/protocol.md section 4.1): the
// request bodies are built by pure functions below, so the option grammar is tested without a server.
import { v1 } from '@sa/proto';
import { type Command, InvalidArgumentError } from 'commander';
import { type CommonOptions, int, withCommon } from './common-options.js';
import type { RequestBody } from './phone-client.js';

type Run = (options: CommonOptions, cmd: Command, body: RequestBody) => Promise<void>;
type Rule = { kind: number; locationId?: string; window?: Window };
type Window = { startMinute: number; endMinute: number; weekdays: number[]; timeZone: string };

const MATCHES: Record<string, number> = {
  both: v1.PlaceMatch.PLACE_MATCH_SSID_AND_BSSID,
  bssid: v1.PlaceMatch.PLACE_MATCH_BSSID,
  ssid: v1.PlaceMatch.PLACE_MATCH_SSID,
};

const minutes = (hhmm: string): number => {
  const m = /^([01]?[0-9]|2[0-3]):([0-5][0-9])$/.exec(hhmm);
  if (!m) throw new InvalidArgumentError(`"${hhmm}" is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
};

/** "08:00-18:00", optionally "@1,2,3,4,5" (0 = Sunday) and "/Europe/Berlin". */
export function parseWindow(spec: string): Window {
  const m = /^([0-9:]+)-([0-9:]+)(?:@([0-6](?:,[0-6])*))?(?:\/(.+))?$/.exec(spec);
  if (!m) throw new InvalidArgumentError('window must be HH:MM-HH:MM[@days][/time zone]');
  return {
    startMinute: minutes(m[1]!),
    endMinute: minutes(m[2]!),
    weekdays: m[3] ? m[3].split(',').map(Number) : [],
    timeZone: m[4] ?? '',
  };
}

export interface SaveScenarioOptions {
  readonly id?: string;
  readonly name: string;
  readonly target: string;
  readonly place: string[];
  readonly window: Window[];
  readonly explicit?: boolean;
  readonly default?: boolean;
  readonly position?: number;
}

/** One LOCATION rule per --place (each limited to the first --window, if any), else one TIME_WINDOW per --window. */
export function saveScenarioBody(o: SaveScenarioOptions): RequestBody {
  const K = v1.RuleKind;
  const rules: Rule[] = o.place.length
    ? o.place.map((locationId) => ({
        kind: K.RULE_KIND_LOCATION,
        locationId,
        ...(o.window[0] ? { window: o.window[0] } : {}),
      }))
    : o.window.map((window) => ({ kind: K.RULE_KIND_TIME_WINDOW, window }));
  if (o.explicit) rules.push({ kind: K.RULE_KIND_EXPLICIT });
  return {
    saveScenario: {
      ...(o.id ? { id: o.id } : {}),
      name: o.name,
      targetId: o.target,
      rules,
      isDefault: o.default ?? false,
      ...(o.position !== undefined ? { position: o.position } : {}),
    },
  };
}

/** "Remember this place": the connected network SSID[/BSSID], kept as --match says. */
export function rememberPlaceBody(o: {
  id?: string;
  name?: string;
  connected: string;
  match: string;
}): RequestBody {
  const [ssid = '', bssid = ''] = o.connected.split('/');
  const match = MATCHES[o.match];
  if (match === undefined) throw new InvalidArgumentError('--match is both, bssid or ssid');
  return {
    savePlace: {
      ...(o.id ? { id: o.id } : {}),
      ...(o.name ? { name: o.name } : {}),
      network: { ssid, bssid: bssid.toLowerCase(), rssiDbm: 0 },
      match,
    },
  };
}

export function registerOwnDataCommands(program: Command, run: Run): void {
  const offset = (c: Command) => c.option('--offset <n>', 'first item wanted (pagination)', int('offset'), 0);
  offset(withCommon(program.command('scenarios').description("list the user's scenarios"))).action(
    (o: CommonOptions & { offset: number }, c: Command) => run(o, c, { listScenarios: { offset: o.offset } }),
  );
  withCommon(program.command('save-scenario').description("create or change one of the user's scenarios"))
    .option('--id <id>', 'the scenario to change (none: a new one)')
    .requiredOption('--name <name>', 'scenario name')
    .requiredOption('--target <id>', 'target id (from `sa-phone list`)')
    .option('--place <id>', 'a place id (from `sa-phone places`); repeatable', collect, [])
    .option(
      '--window <spec>',
      'HH:MM-HH:MM[@days][/time zone]; repeatable',
      (v, acc: Window[]) => [...acc, parseWindow(v)],
      [],
    )
    .option('--explicit', 'also active when chosen explicitly')
    .option('--default', "make it the user's default")
    .option('--position <n>', 'evaluation order, 0 first', int('position'))
    .action((o: CommonOptions & SaveScenarioOptions, c: Command) => run(o, c, saveScenarioBody(o)));
  withCommon(program.command('delete-scenario').description("delete one of the user's scenarios"))
    .requiredOption('--id <id>', 'scenario id')
    .action((o: CommonOptions & { id: string }, c: Command) => run(o, c, { deleteScenario: { id: o.id } }));
  offset(
    withCommon(program.command('places').description("list the user's places and the shared ones")),
  ).action((o: CommonOptions & { offset: number }, c: Command) =>
    run(o, c, { listPlaces: { offset: o.offset } }),
  );
  withCommon(
    program.command('remember-place').description('save the connected network as a place of the user'),
  )
    .option('--id <id>', 'add the network to this place (none: a new place)')
    .option('--name <name>', 'place name (required for a new place)')
    .requiredOption('--connected <net>', 'the connected network: SSID/BSSID')
    .option('--match <what>', 'what the place keeps: both, bssid or ssid', 'both')
    .action(
      (o: CommonOptions & { id?: string; name?: string; connected: string; match: string }, c: Command) =>
        run(o, c, rememberPlaceBody(o)),
    );
  withCommon(program.command('delete-place').description("delete one of the user's places"))
    .requiredOption('--id <id>', 'place id')
    .action((o: CommonOptions & { id: string }, c: Command) => run(o, c, { deletePlace: { id: o.id } }));
}

const collect = (value: string, acc: string[]): string[] => [...acc, value];
