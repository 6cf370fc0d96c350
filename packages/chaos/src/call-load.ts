// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Asterisk dialplan text, whose ${...} is Asterisk's
// Calls at a steady rate through the AMI test server's PBX model running the real
// deploy/asterisk/extensions_smartassistant.conf, next to a small site dialplan for the fleet's
// targets (desk = the extension, the conference room 801, the mobile +49170...). Each call is for a
// random user and enters [smartassistant] as a trunk call would; the dialplan reads the user's
// target from AstDB and dials it (AstDB-first: it never waits for our services).
//
// A call is routed when it rang the endpoint of the target AstDB held when it entered and that
// target is one of its user's three. It failed when it rang nothing, rang another endpoint, or found
// no target (or one that is not its user's). A routed call whose target was the user's previous
// place (its latest acknowledged move not in AstDB yet) is counted as behind as well: such calls
// reach the user where it was a moment ago, for as long as AstDB is behind (maxResyncS bounds it).
import { readFileSync } from 'node:fs';
import { CONFERENCE_DIAL, extensionOf, mobileDialOf } from '@sa/e2e';
import { repoRoot } from '@sa/testkit';
import type { AmiTestServer } from '@sa/testkit/ami';
import { PbxModel, parseDialplan } from '@sa/testkit/pbx';
import type { AstDbSync } from './astdb-sync.js';

const SITE = `
[phones]
exten => _1XXXXX,1,Dial(PJSIP/\${EXTEN},20)
[from-internal]
exten => _1XXXXX,1,Goto(phones,\${EXTEN},1)
exten => ${CONFERENCE_DIAL},1,Dial(PJSIP/room\${EXTEN},20)
exten => _+49170X.,1,Dial(PSTN/\${EXTEN},20)
`;

const endpointOf = (target: string): string =>
  target === CONFERENCE_DIAL
    ? `PJSIP/room${target}`
    : target.startsWith('+')
      ? `PSTN/${target}`
      : `PJSIP/${target}`;

export interface CallCounts {
  placed: number;
  routed: number;
  failed: number;
  behind: number;
}

export class CallLoad {
  readonly counts: CallCounts = { placed: 0, routed: 0, failed: 0, behind: 0 };
  /** a few failed calls, described */
  readonly failures: string[] = [];
  readonly #pbx: PbxModel;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: NodeJS.Timeout | null = null;

  constructor(
    ami: AmiTestServer,
    readonly users: number,
    readonly sync: AstDbSync,
  ) {
    const ours = readFileSync(`${repoRoot}/deploy/asterisk/extensions_smartassistant.conf`, 'utf8');
    this.#pbx = new PbxModel(ami, {
      dialplan: parseDialplan([
        { name: 'extensions_smartassistant.conf', text: ours },
        { name: 'site', text: SITE },
      ]),
      secondMs: 1,
      globals: { SA_LOCAL_CONTEXT: 'phones', SA_DIAL_CONTEXT: 'from-internal' },
    });
    for (let i = 0; i < users; i++) {
      this.#pbx.endpoint(`PJSIP/${extensionOf(i)}`, { answerAfterS: 1 });
      this.#pbx.endpoint(`PSTN/${mobileDialOf(i)}`, { answerAfterS: 1 });
    }
    this.#pbx.endpoint(`PJSIP/room${CONFERENCE_DIAL}`, { answerAfterS: 1 });
  }

  /** Places `perSec` calls a second until stopped. */
  start(perSec: number): void {
    const started = performance.now();
    let placed = 0;
    this.#timer = setInterval(() => {
      const due = Math.floor(((performance.now() - started) / 1000) * perSec);
      for (; placed < due; placed++) this.#place(Math.floor(Math.random() * this.users));
    }, 20);
  }

  async stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await Promise.all([...this.#inFlight]);
  }

  #place(i: number): void {
    this.counts.placed++;
    const ext = extensionOf(i);
    const atEntry = this.sync.astdb(i);
    const call = this.#pbx.call('smartassistant', ext).then((out) => {
      const rang = out.rang[0]?.endpoint;
      const targets = [ext, CONFERENCE_DIAL, mobileDialOf(i)];
      if (!rang || atEntry === undefined || !targets.includes(atEntry) || rang !== endpointOf(atEntry)) {
        this.counts.failed++;
        if (this.failures.length < 10)
          this.failures.push(`${ext}: AstDB ${atEntry ?? 'none'}, rang ${rang ?? 'nothing'}`);
        return;
      }
      this.counts.routed++;
      if (!this.sync.isRight(i, atEntry)) this.counts.behind++;
    });
    this.#inFlight.add(call);
    void call.finally(() => this.#inFlight.delete(call));
  }
}
