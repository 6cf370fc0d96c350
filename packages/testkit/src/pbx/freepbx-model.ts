// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// Models of the PBX around our dialplan: FreePBX 17 and the Issabel/Elastix 2.x lineage, as far as
// a call to a user with Follow Me goes. Written in our own words from what the real module code did
// on a real Asterisk (../shared/reference/freepbx17-followme, issabel-followme), not copied from it:
//  - a call to a user whose Follow Me is saved enters Follow Me unless AMPUSER/<ext>/followme/ddial
//    is EXTENSION (then ext-local rings the extension directly); a user without a saved Follow Me
//    has no Follow-Me dialplan at all;
//  - Follow Me sets __EXTTOCALL=<user>, rings the user's phone for prering seconds (not with a
//    `-prim` strategy, where the phone rings with the list), sets _FMGRP=<user>, then rings the list
//    for grptime: an entry ending in `#` through from-internal, a plain entry only if it is a real
//    extension (else "not available to be called"); FreePBX 17 sets __EXTTOCALL to each list entry
//    on the way (2.x keeps the user); NODEST is cleared; then the no-answer destination (postdest);
//  - FreePBX 17 reads strategy and postdest from AstDB at call time, and a reload rewrites them
//    (and ringing, annmsg...) from its SQL; 2.x bakes them into the generated dialplan and a reload
//    leaves AstDB alone; saving the Follow Me page deletes the whole AMPUSER/<ext>/followme tree
//    and writes the form (FreePBX 17 appends `#` to entries that are not extensions; 2.x does not);
//    opening the page copies grplist/grptime/prering from AstDB into SQL.
// Not modelled: Macro() (2.x needs Asterisk <= 20 with app_macro), confirmations, announcements,
// call recording, blacklist/CID handling, ring groups, queues.
import type { AmiTestServer } from '../ami/ami-test-server.js';
import {
  addFreePbxExtension,
  type FollowMeForm,
  followMePageSave,
  freepbxReload,
} from '../ami/freepbx-followme.js';
import { type Dialplan, parseDialplan } from './dialplan.js';
import { type AppChannel, type CallOutcome, type EndpointBehaviour, PbxModel } from './pbx-model.js';

export type PbxFamily = 'freepbx17' | 'issabel2';

export interface ModelUser {
  readonly extension: string;
  readonly voicemail?: boolean;
  /** seconds ext-local rings the phone before the no-answer handling */
  readonly ringTimeS?: number;
  /** how the user's phone (PJSIP/<ext>) answers; default: after 1 s */
  readonly phone?: EndpointBehaviour;
}

export interface FreePbxModelOptions {
  readonly family: PbxFamily;
  readonly users: readonly ModelUser[];
  /** our dialplan file's text (deploy/asterisk/extensions_smartassistant.conf) */
  readonly ourDialplan: string;
  /** Custom Destination "SmartAssistant" (customdests,dest-1,1) target, e.g. smartassistant,${FMGRP},1 */
  readonly customDestination: string;
  /** numbers that are not extensions (Misc Destinations, mobiles via a trunk) -> the phone they ring */
  readonly numbers?: Readonly<Record<string, { endpoint: string; behaviour: EndpointBehaviour }>>;
  readonly secondMs?: number;
  readonly globals?: Readonly<Record<string, string>>;
}

/** The manual's Follow Me: ringall, a number that does not exist, no answer -> SmartAssistant. */
export const MANUAL_FOLLOW_ME: FollowMeForm = {
  grplist: '99999#',
  grptime: 2,
  prering: 0,
  strategy: 'ringall',
  postdest: 'customdests,dest-1,1',
  ddial: 'DIRECT',
};

export type { FollowMeForm };

export class FreePbxModel {
  readonly pbx: PbxModel;
  /** the Follow Me page's SQL rows, by extension */
  readonly sql = new Map<string, FollowMeForm>();

  constructor(
    readonly ami: AmiTestServer,
    readonly options: FreePbxModelOptions,
  ) {
    this.pbx = new PbxModel(ami, {
      dialplan: this.#generate(),
      secondMs: options.secondMs ?? 50,
      mailboxes: options.users.filter((u) => u.voicemail).map((u) => `${u.extension}@default`),
      globals: options.globals ?? {},
      apps: { FollowMe: (ch, args) => this.#followMe(ch, args) },
    });
    for (const u of options.users) {
      this.pbx.endpoint(`PJSIP/${u.extension}`, u.phone ?? { answerAfterS: 1 });
      addFreePbxExtension(ami.db, u.extension);
    }
    for (const n of Object.values(options.numbers ?? {})) this.pbx.endpoint(n.endpoint, n.behaviour);
  }

  get family(): PbxFamily {
    return this.options.family;
  }

  isExtension(n: string): boolean {
    return this.options.users.some((u) => u.extension === n);
  }

  /** A call from outside to `exten`, the way FreePBX delivers it (from-internal). */
  call(exten: string, caller?: { num: string; name?: string }): Promise<CallOutcome> {
    return this.pbx.call('from-internal', exten, caller);
  }

  /** Saving the Follow Me page: the key tree is deleted and written anew from the form; Apply Config follows. */
  saveFollowMePage(extension: string, form: FollowMeForm): void {
    const grplist =
      this.family === 'freepbx17'
        ? form.grplist
            .split('-')
            .map((e) => (e.endsWith('#') || this.isExtension(e) ? e : `${e}#`))
            .join('-')
        : form.grplist;
    const saved = { ...form, grplist };
    this.sql.set(extension, saved);
    followMePageSave(this.ami.db, extension, saved, this.family);
  }

  /** Opening the Follow Me page copies the list, ring time and prering from AstDB into SQL. */
  openFollowMePage(extension: string): void {
    const row = this.sql.get(extension);
    if (!row) return;
    const get = (k: string) => this.ami.dbGet('AMPUSER', `${extension}/followme/${k}`);
    this.sql.set(extension, {
      ...row,
      grplist: get('grplist') ?? row.grplist,
      grptime: Number(get('grptime') ?? row.grptime ?? 20),
      prering: Number(get('prering') ?? row.prering ?? 0),
    });
  }

  /**
   * `fwconsole reload` / Apply Config: the dialplan is generated again from SQL; FreePBX 17 also
   * writes strategy, postdest and the prompts back into AstDB (grplist, grptime, prering and ddial
   * stay); 2.x leaves AstDB alone.
   */
  reload(): void {
    if (this.family === 'freepbx17') for (const [ext, row] of this.sql) freepbxReload(this.ami.db, ext, row);
    this.pbx.dialplan = this.#generate();
  }

  #generate(): Dialplan {
    const o = this.options;
    const lines: string[] = [
      '[from-internal]',
      'exten => _[0-9a-zA-Z*#+].,1,GotoIf(${DIALPLAN_EXISTS(model-followme,${EXTEN},1)}?model-followme,${EXTEN},1)',
      ' same => n,GotoIf(${DIALPLAN_EXISTS(ext-local,${EXTEN},1)}?ext-local,${EXTEN},1)',
      ' same => n,GotoIf(${DIALPLAN_EXISTS(model-numbers,${EXTEN},1)}?model-numbers,${EXTEN},1)',
      ' same => n,NoOp(no route for ${EXTEN})',
      ' same => n,Congestion()',
      '[model-followme]',
    ];
    for (const [ext, row] of this.sql) {
      // 2.x: strategy and no-answer destination are baked in at generation time
      const baked =
        this.family === 'issabel2'
          ? `${row.strategy ?? 'ringall'},${row.postdest ?? `ext-local,${ext},1`}`
          : ',';
      lines.push(
        `exten => ${ext},1,GotoIf($["\${DB(AMPUSER/${ext}/followme/ddial)}" = "EXTENSION"]?ext-local,${ext},1)`,
        ` same => n,Set(__EXTTOCALL=${ext})`,
        ` same => n,Set(__NODEST=${ext})`,
        ` same => n,FollowMe(${ext},${baked})`,
        ' same => n,GotoIf($["${FM_STATUS}" = "ANSWER"]?done)',
        ' same => n,Set(__NODEST=)',
        ' same => n,Goto(${FM_POSTDEST})',
        ' same => n(done),Hangup()',
      );
    }
    lines.push('[ext-local]');
    for (const u of o.users) {
      lines.push(
        `exten => ${u.extension},1,Dial(PJSIP/${u.extension},${u.ringTimeS ?? 15})`,
        ' same => n,GotoIf($["${DIALSTATUS}" = "ANSWER"]?done)',
        u.voicemail ? ` same => n,Goto(vmu${u.extension},1)` : ' same => n,NoOp(no voicemail)',
        ' same => n(done),Hangup()',
      );
      if (u.voicemail) lines.push(`exten => vmu${u.extension},1,VoiceMail(${u.extension}@default,u)`);
    }
    lines.push('[model-numbers]');
    for (const [n, { endpoint }] of Object.entries(o.numbers ?? {}))
      lines.push(`exten => ${n},1,Dial(${endpoint},60)`, ' same => n,Hangup()');
    lines.push(
      '[customdests]',
      'exten => dest-1,1,NoOp(Entering Custom Destination SmartAssistant)',
      ` same => n,Goto(${o.customDestination})`,
    );
    return parseDialplan([
      { name: 'extensions_smartassistant.conf', text: o.ourDialplan },
      { name: `${o.family}-model`, text: lines.join('\n') },
    ]);
  }

  /** FollowMe(<ext>,<baked strategy>,<baked postdest>): prering, then the list; sets FM_STATUS, FM_POSTDEST. */
  async #followMe(ch: AppChannel, args: string[]): Promise<void> {
    const [ext = '', bakedStrategy = '', ...postParts] = args;
    const db = (k: string) => this.ami.dbGet('AMPUSER', `${ext}/followme/${k}`) ?? '';
    const strategy = this.family === 'issabel2' ? bakedStrategy : db('strategy');
    const postdest = this.family === 'issabel2' ? postParts.join(',') : db('postdest');
    ch.set('FM_POSTDEST', postdest || `ext-local,${ext},1`);
    const prering = Number(db('prering') || 0);
    const grptime = Number(db('grptime') || 20);
    const primaryWithList = strategy.endsWith('-prim');
    ch.set('FM_STATUS', 'NOANSWER');
    if (prering > 0 && !primaryWithList) {
      ch.note(`Follow Me ${ext}: own phone rings ${prering} s first`);
      if ((await ch.dial([`PJSIP/${ext}`], prering)) === 'ANSWER') return ch.set('FM_STATUS', 'ANSWER');
    }
    ch.set('_FMGRP', ext);
    const dests: string[] = primaryWithList ? [`PJSIP/${ext}`] : [];
    for (const entry of db('grplist').split('-').filter(Boolean)) {
      const number = entry.replace(/#$/, '');
      if (this.family === 'freepbx17') ch.set('__EXTTOCALL', number);
      if (entry.endsWith('#')) dests.push(`Local/${number}@from-internal`);
      else if (this.isExtension(number)) dests.push(`PJSIP/${number}`);
      else
        ch.note(
          `Follow Me ${ext}: extension ${number} is not available to be called (no #, not an extension)`,
        );
    }
    if (dests.length === 0) return;
    if ((await ch.dial(dests, grptime)) === 'ANSWER') ch.set('FM_STATUS', 'ANSWER');
  }
}
