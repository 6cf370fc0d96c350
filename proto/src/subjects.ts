// Every NATS subject, stream and KV bucket name lives here, next to the contracts.
// `prefix` isolates deployments and tests (default "sa"); it must be one NATS token.

const TOKEN = /^[A-Za-z0-9_-]{1,32}$/;

export interface BusNames {
  readonly prefix: string;
  /** JetStream stream carrying PresenceReported / ScenarioChosen, subjects `<p>.v1.phone.>` */
  readonly phoneStream: string;
  readonly phoneAll: string;
  presence(extension: string): string;
  choice(extension: string): string;
  /**
   * ingest -> router, core NATS only: a copy of a phone event the stream did not acknowledge (no
   * stream leader, say). Router applies it at once; the phone, answered UNAVAILABLE, sends the report
   * again until it is stored. `unstored(presence(e))` is `<p>.v1.unstored.phone.presence.<e>`.
   */
  unstored(phoneSubject: string): string;
  readonly unstoredAll: string;
  /** the phone-stream subject an unstored copy stands for */
  storedSubjectOf(unstoredSubject: string): string;
  /** router -> world: ScenarioChanged */
  scenarioChanged(extension: string): string;
  readonly scenarioChangedAll: string;
  /** router -> console: DeviceReported (every applied presence report) */
  deviceReported(extension: string): string;
  readonly deviceReportedAll: string;
  /** router -> console (FreePBX Follow-Me mode): FollowMeStatusChanged */
  followMeStatus(extension: string): string;
  readonly followMeStatusAll: string;
  /** router -> admin: CallRouted (each answered call, for the call history) */
  callRouted(extension: string): string;
  readonly callRoutedAll: string;
  /** admin -> router request/reply (queue group "router"): DecisionQuery -> DecisionAnswer */
  readonly decisionQuery: string;
  /** ami-bridge -> router request/reply: CallArrived -> RouteDecision */
  readonly callArrived: string;
  /** ami-bridge -> router: CallLifecycle */
  callLifecycle(extension: string): string;
  readonly callLifecycleAll: string;
  /** anyone -> ami-bridge request/reply: AmiCommand -> AmiResult */
  readonly amiCommand: string;
  readonly amiConnected: string;
  readonly amiDisconnected: string;
  /**
   * anyone -> ami-bridge request/reply: AmiStatusRequest -> AmiStatusReply. ami-bridge answers it
   * before its AMI client starts, so "no responders" means AmiConnected is still to come.
   */
  readonly amiStatus: string;
  /** admin -> world change events (also mirrored as KV snapshots) */
  readonly deviceChanged: string;
  readonly keyRingChanged: string;
  readonly userConfigChanged: string;
  readonly destinationChanged: string;
  /** ingest -> admin request/reply: PhoneTargetsRequest -> PhoneTargetsReply */
  readonly phoneTargets: string;
  /** ingest -> admin request/reply: PhoneOwnDataRequest -> PhoneOwnDataReply (the user's own data) */
  readonly phoneOwnData: string;
  /** CLI -> admin request/reply: SetSecretRequest -> SetSecretReply */
  readonly setSecret: string;
  /** admin -> ingest request/reply: ReplayResetRequest -> ReplayResetReply */
  readonly replayReset: string;
  /** ingest -> admin: DevicesSeen (phones answered without the bus, for the console's last seen) */
  readonly devicesSeen: string;
  /** KV buckets holding the current snapshot a cold-starting service reads */
  readonly devicesBucket: string;
  readonly keysBucket: string;
  /** per-device keys (DeviceKeys, key = device id): secrets, so only admin and ingest may read it */
  readonly deviceKeysBucket: string;
  /** RADIUS accounting clients (AccountingClients, key "clients"): shared secrets, admin and ingest only */
  readonly radiusClientsBucket: string;
  readonly usersBucket: string;
}

export function busNames(prefix = 'sa'): BusNames {
  if (!TOKEN.test(prefix)) throw new Error(`bus prefix must match ${TOKEN}, got "${prefix}"`);
  const p = `${prefix}.v1`;
  const bucket = prefix.replace(/-/g, '_');
  const ext = (e: string): string => {
    if (!/^[0-9A-Za-z*#+_-]{1,32}$/.test(e)) throw new Error(`extension "${e}" cannot be a subject token`);
    return e;
  };
  return {
    prefix,
    phoneStream: `${bucket.toUpperCase()}_PHONE`,
    phoneAll: `${p}.phone.>`,
    presence: (e) => `${p}.phone.presence.${ext(e)}`,
    choice: (e) => `${p}.phone.choice.${ext(e)}`,
    unstored: (subject) => `${p}.unstored.${subject.slice(p.length + 1)}`,
    unstoredAll: `${p}.unstored.phone.>`,
    storedSubjectOf: (subject) => `${p}.${subject.slice(`${p}.unstored.`.length)}`,
    scenarioChanged: (e) => `${p}.router.scenario.${ext(e)}`,
    scenarioChangedAll: `${p}.router.scenario.*`,
    deviceReported: (e) => `${p}.router.device.${ext(e)}`,
    deviceReportedAll: `${p}.router.device.*`,
    followMeStatus: (e) => `${p}.router.followme.${ext(e)}`,
    followMeStatusAll: `${p}.router.followme.*`,
    callRouted: (e) => `${p}.router.call.${ext(e)}`,
    callRoutedAll: `${p}.router.call.*`,
    decisionQuery: `${p}.router.decision`,
    callArrived: `${p}.ami.call.arrived`,
    callLifecycle: (e) => `${p}.ami.call.lifecycle.${ext(e)}`,
    callLifecycleAll: `${p}.ami.call.lifecycle.*`,
    amiCommand: `${p}.ami.cmd`,
    amiConnected: `${p}.ami.status.connected`,
    amiDisconnected: `${p}.ami.status.disconnected`,
    amiStatus: `${p}.ami.status.query`,
    deviceChanged: `${p}.admin.device.changed`,
    keyRingChanged: `${p}.admin.keys.changed`,
    userConfigChanged: `${p}.admin.user.changed`,
    destinationChanged: `${p}.admin.destination.changed`,
    phoneTargets: `${p}.admin.phone.targets`,
    phoneOwnData: `${p}.admin.phone.own`,
    setSecret: `${p}.admin.keys.set-secret`,
    replayReset: `${p}.ingest.replay.reset`,
    devicesSeen: `${p}.ingest.seen`,
    devicesBucket: `${bucket}_devices`,
    keysBucket: `${bucket}_keys`,
    deviceKeysBucket: `${bucket}_device_keys`,
    radiusClientsBucket: `${bucket}_radius_clients`,
    usersBucket: `${bucket}_users`,
  };
}
