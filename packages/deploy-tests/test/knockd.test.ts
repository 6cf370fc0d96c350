// Port knocking for real: Debian's knockd and firewall inside network namespaces made by this test.
// A phone that sends without knocking is dropped; after the knock (TCP SYNs for the iptables sample,
// UDP datagrams for the nftables sample) its packets get through, another address stays blocked, and
// after cmd_timeout knockd's stop_command closes the port again.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { waitFor } from '@sa/testkit';
import { deployDir, requireTool } from './helpers.js';
import {
  clientAddress,
  createTestNetwork,
  otherClientAddress,
  serverAddress,
  type TestNetwork,
} from './netns.js';

const ingestPort = 8080;
const knockSequence = [30000, 30500, 31000];
const scratch = mkdtempSync(join(tmpdir(), 'sa-knockd-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

// Inside the server namespace: a UDP "ingest" that prints every datagram it receives.
const listenerScript = `const s=require('node:dgram').createSocket('udp4');
s.on('message',(m)=>console.log('got '+m.toString()));
s.bind(${ingestPort},'0.0.0.0',()=>console.log('ready'));`;
// Inside the client namespace: send one UDP datagram from a given source address.
const sendScript = `const [src,port,payload]=process.argv.slice(1);
const s=require('node:dgram').createSocket('udp4');
s.bind(0,src,()=>s.send(payload,Number(port),'${serverAddress}',()=>s.close()));`;
// Inside the client namespace: knock with TCP SYNs (connect attempts; refused or not, the SYN is sent).
const tcpKnockScript = `const net=require('node:net');const ports=process.argv.slice(2).map(Number);const src=process.argv[1];
(async()=>{for(const p of ports){await new Promise((r)=>{const c=net.connect({host:'${serverAddress}',port:p,localAddress:src});
c.on('error',r);c.on('connect',()=>{c.destroy();r();});setTimeout(()=>{c.destroy();r();},300);});}})();`;

interface Variant {
  name: string;
  configFile: string;
  knock: 'tcp' | 'udp';
  setup(net: TestNetwork): void;
  dropped(net: TestNetwork): number;
}

const variants: Variant[] = [
  {
    name: 'iptables',
    configFile: 'knockd.iptables.conf',
    knock: 'tcp',
    setup: (net) =>
      net.exec(net.server, 'sh', [join(deployDir, 'knockd', 'iptables-setup.sh'), String(ingestPort)]),
    dropped: (net) => {
      const out = net.exec(net.server, requireTool('iptables', 'iptables'), [
        '-L',
        'SA_KNOCK',
        '-v',
        '-x',
        '-n',
      ]);
      const line = out.split('\n').find((l) => /\sDROP\s/.test(l));
      assert.ok(line, `no DROP rule in SA_KNOCK:\n${out}`);
      return Number(line.trim().split(/\s+/)[0]);
    },
  },
  {
    name: 'nftables',
    configFile: 'knockd.nftables.conf',
    knock: 'udp',
    setup: (net) =>
      net.exec(net.server, requireTool('nft', 'nftables'), [
        '-f',
        join(deployDir, 'knockd', 'smartassistant-knock.nft'),
      ]),
    dropped: (net) => {
      const out = net.exec(net.server, requireTool('nft', 'nftables'), [
        'list',
        'chain',
        'inet',
        'smartassistant',
        'input',
      ]);
      const m = /counter packets (\d+) bytes \d+ drop/.exec(out);
      assert.ok(m, `no counting drop rule:\n${out}`);
      return Number(m[1]);
    },
  },
];

describe('deploy/knockd', () => {
  for (const variant of variants) {
    it(`given the ${variant.name} sample in a namespace, when a client sends before and after knocking, then only the knocking address gets through, for cmd_timeout only`, async () => {
      const knockd = requireTool('knockd', 'knockd');
      const sample = readFileSync(join(deployDir, 'knockd', variant.configFile), 'utf8');
      assert.match(sample, /sequence\s*=\s*30000,30500,31000\n/);
      assert.match(sample, /sequence\s*=\s*30000:udp,30500:udp,31000:udp\n/);
      assert.equal([...sample.matchAll(/cmd_timeout\s*=\s*600\n/g)].length, 2, 'both doors stay open 600 s');
      const net = createTestNetwork();
      try {
        // Same file, except: this namespace's interface, a log on stdout, and a 3 s window so the closing is seen.
        const config = sample
          .replace(/Interface = eth0/, `Interface = ${net.serverInterface}`)
          .replace(/^\tUseSyslog\n/m, '')
          .replaceAll(/cmd_timeout\s*=\s*600/g, 'cmd_timeout   = 3');
        const configPath = join(scratch, `${variant.name}.conf`);
        writeFileSync(configPath, config);
        variant.setup(net);

        const listener = net.start(net.server, process.execPath, ['-e', listenerScript]);
        await waitFor(() => listener.lines.includes('ready'), { what: 'the UDP listener' });
        const daemon = net.start(net.server, knockd, ['-c', configPath, '-i', net.serverInterface, '-v']);
        await waitFor(() => daemon.lines.some((l) => l.startsWith('listening on')), {
          what: 'knockd to listen',
        });
        const send = (src: string, payload: string, port = ingestPort) =>
          net.exec(net.client, process.execPath, ['-e', sendScript, src, String(port), payload]);
        const received = (payload: string) => listener.lines.includes(`got ${payload}`);

        // 1. No knock: dropped by the firewall (the drop counter proves it arrived and was dropped).
        const droppedAtStart = variant.dropped(net);
        send(clientAddress, 'before-knock');
        await waitFor(() => variant.dropped(net) > droppedAtStart, {
          what: 'the unknocked packet to be dropped',
        });

        // 2. Knock, then the same client gets through.
        if (variant.knock === 'tcp') {
          net.exec(net.client, process.execPath, [
            '-e',
            tcpKnockScript,
            clientAddress,
            ...knockSequence.map(String),
          ]);
        } else {
          for (const port of knockSequence) send(clientAddress, 'knock', port);
        }
        await waitFor(() => daemon.lines.some((l) => l.includes('OPEN SESAME')), { what: 'knockd to open' });
        let n = 0;
        await waitFor(
          () => {
            send(clientAddress, `after-knock-${++n}`);
            return listener.lines.some((l) => l.startsWith('got after-knock-'));
          },
          { what: 'a packet after knocking', intervalMs: 50 },
        );
        assert.ok(!received('before-knock'), 'the packet sent before knocking must never arrive');
        assert.ok(
          daemon.lines.some((l) =>
            l.startsWith(`${clientAddress}: smartassistant-${variant.knock}: OPEN SESAME`),
          ),
          daemon.lines.join('\n'),
        );

        // 3. Another address that did not knock stays blocked while the door is open.
        const droppedBeforeOther = variant.dropped(net);
        send(otherClientAddress, 'other-address');
        await waitFor(() => variant.dropped(net) > droppedBeforeOther, {
          what: 'the other address to be dropped',
        });
        send(clientAddress, 'marker');
        await waitFor(() => received('marker'), { what: 'the marker from the knocking address' });
        assert.ok(!received('other-address'));

        // 4. After cmd_timeout knockd runs stop_command and the port is closed again.
        await waitFor(() => daemon.lines.some((l) => l.includes('command timeout')), {
          what: 'knockd to close',
          timeoutMs: 15_000,
        });
        await waitFor(
          () => daemon.lines.some((l) => /running command: .*(-D SA_KNOCK|delete element)/.test(l)),
          { what: 'stop_command to run' },
        );
        const droppedBeforeLate = variant.dropped(net);
        send(clientAddress, 'after-close');
        await waitFor(() => variant.dropped(net) > droppedBeforeLate, {
          what: 'the packet after closing to be dropped',
        });
        assert.ok(!received('after-close'));
        assert.ok(
          !daemon.lines.some((l) => /error|fail/i.test(l)),
          `knockd reported:\n${daemon.lines.join('\n')}`,
        );
      } finally {
        net.destroy();
      }
    });
  }
});
