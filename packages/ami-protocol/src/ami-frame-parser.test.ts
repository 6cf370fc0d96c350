import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type AmiFrame, AmiFrameParser } from './ami-frame-parser.js';
import { readConnections, readServerBin, transcriptNames } from './transcripts.js';

const amiTranscripts = transcriptNames().filter((n) => !n.startsWith('06-fastagi'));

function describeFrames(frames: AmiFrame[]): unknown[] {
  return frames.map((f) => {
    if (f.kind === 'banner') return ['banner', f.text];
    if (f.kind === 'error') return ['error', f.error.code];
    return ['message', f.message.names, f.message.values, f.message.output];
  });
}

function parseAll(chunks: Buffer[], expectBanner = true): AmiFrame[] {
  const parser = new AmiFrameParser({ expectBanner });
  return chunks.flatMap((c) => parser.push(c));
}

function bytewise(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < buf.length; i++) out.push(buf.subarray(i, i + 1));
  return out;
}

describe('AmiFrameParser on recorded transcripts', () => {
  for (const name of amiTranscripts) {
    const connections = readConnections(name);

    test(`given ${name}, when its S: lines are joined, then they equal the .server.bin bytes`, () => {
      assert.deepEqual(Buffer.concat(connections.map((c) => c.server)), readServerBin(name));
    });

    test(`given ${name}, when each connection is parsed whole, then it yields a banner and well-formed messages only`, () => {
      for (const { server } of connections) {
        const frames = parseAll([server]);
        assert.equal(frames[0]?.kind, 'banner');
        assert.equal(frames[0]?.kind === 'banner' && frames[0].text, 'Asterisk Call Manager/11.0.0');
        assert.ok(frames.slice(1).every((f) => f.kind === 'message'));
        const blankLines = server.toString('latin1').split('\r\n\r\n').length - 1;
        assert.equal(frames.length - 1, blankLines);
      }
    });

    test(`given ${name}, when fed one byte at a time (a split at every byte boundary), then the messages are identical`, () => {
      for (const { server } of connections) {
        assert.deepEqual(describeFrames(parseAll(bytewise(server))), describeFrames(parseAll([server])));
      }
    });

    test(`given ${name}, when split into two chunks at every byte boundary, then the messages are identical`, () => {
      for (const { server } of connections) {
        const whole = JSON.stringify(describeFrames(parseAll([server])));
        // Every boundary for small connections; for the long call recordings every boundary in
        // the first 6 KiB plus every 7th boundary after that (bytewise feeding covers the rest).
        for (let i = 1; i < server.length; i += i < 6144 ? 1 : 7) {
          const split = JSON.stringify(describeFrames(parseAll([server.subarray(0, i), server.subarray(i)])));
          if (split !== whole) assert.fail(`split at byte ${i} changed the result`);
        }
      }
    });
  }
});

describe('AmiFrameParser wire format details', () => {
  test('given LF-only line ends, when parsed, then the message equals its CRLF twin', () => {
    const lf = parseAll([Buffer.from('Response: Success\nActionID: a\n\n')], false);
    const crlf = parseAll([Buffer.from('Response: Success\r\nActionID: a\r\n\r\n')], false);
    assert.deepEqual(describeFrames(lf), describeFrames(crlf));
  });

  test('given a value containing ": ", when parsed, then only the first colon separates name and value', () => {
    const [f] = parseAll(
      [Buffer.from('Event: DBGetResponse\r\nVal: Room with spaces: and colon\r\n\r\n')],
      false,
    );
    assert.equal(f?.kind === 'message' && f.message.get('Val'), 'Room with spaces: and colon');
  });

  test('given repeated headers and odd capitalisation, when looked up, then get() is first-wins and case-insensitive', () => {
    const [f] = parseAll(
      [
        Buffer.from(
          'Response: Success\r\nactionid: first\r\nActionID: second\r\nOutput: a\r\nOutput: b\r\n\r\n',
        ),
      ],
      false,
    );
    assert.ok(f?.kind === 'message');
    assert.equal(f.message.get('ActionID'), 'first');
    assert.equal(f.message.get('ACTIONID'), 'first');
    assert.deepEqual(f.message.getAll('output'), ['a', 'b']);
    assert.equal(f.message.get('Missing'), undefined);
  });

  test('given an empty value, when parsed, then the header exists with an empty string', () => {
    const [f] = parseAll([Buffer.from('Event: Newchannel\r\nAccountCode: \r\n\r\n')], false);
    assert.equal(f?.kind === 'message' && f.message.get('AccountCode'), '');
  });

  test('given a legacy Response: Follows with blank lines in its output, when parsed, then output ends at --END COMMAND--', () => {
    const raw =
      'Response: Follows\r\nPrivilege: Command\r\nActionID: c1\r\nline one: with colon\n\nline three\n--END COMMAND--\r\n\r\nResponse: Success\r\nActionID: p\r\n\r\n';
    const whole = parseAll([Buffer.from(raw)], false);
    assert.equal(whole.length, 2);
    const first = whole[0];
    assert.ok(first?.kind === 'message');
    assert.equal(first.message.actionId, 'c1');
    assert.deepEqual(first.message.output, ['line one: with colon', '', 'line three']);
    assert.deepEqual(describeFrames(parseAll(bytewise(Buffer.from(raw)), false)), describeFrames(whole));
  });

  test('given output text glued to --END COMMAND--, when parsed, then the text before the marker is kept', () => {
    const raw = 'Response: Follows\r\nActionID: c2\r\nNo such command--END COMMAND--\r\n\r\n';
    const [f] = parseAll([Buffer.from(raw)], false);
    assert.deepEqual(f?.kind === 'message' && f.message.output, ['No such command']);
  });

  test('given a multi-byte UTF-8 value split across chunks, when parsed, then the text is intact', () => {
    const raw = Buffer.from('Response: Success\r\nActionID: id with spaces: and colon é✓\r\n\r\n');
    const cut = raw.indexOf(Buffer.from('✓')) + 1; // inside the 3-byte sequence
    const frames = parseAll([raw.subarray(0, cut), raw.subarray(cut)], false);
    assert.equal(frames[0]?.kind === 'message' && frames[0].message.actionId, 'id with spaces: and colon é✓');
  });

  test('given stray blank lines between messages, when parsed, then they are ignored', () => {
    const frames = parseAll([Buffer.from('\r\n\r\nEvent: A\r\n\r\n\r\nEvent: B\r\n\r\n')], false);
    assert.deepEqual(
      frames.map((f) => f.kind === 'message' && f.message.event),
      ['A', 'B'],
    );
  });
});

describe('AmiFrameParser bounded memory and resync', () => {
  test('given an endless line without a newline, when fed 10 MB, then it reports one error and buffers at most one chunk', () => {
    const parser = new AmiFrameParser({ maxLineBytes: 1024 });
    const chunk = Buffer.alloc(64 * 1024, 0x41);
    const frames: AmiFrame[] = [];
    let maxBuffered = 0;
    for (let i = 0; i < 160; i++) {
      frames.push(...parser.push(chunk));
      maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
    }
    assert.deepEqual(describeFrames(frames), [['error', 'AMI_PARSE_LINE_TOO_LONG']]);
    assert.ok(maxBuffered <= 1024, `buffered ${maxBuffered}`);
    const after = parser.push(Buffer.from('\r\n\r\nEvent: Recovered\r\n\r\n'));
    assert.deepEqual(describeFrames(after), [['message', ['Event'], ['Recovered'], undefined]]);
  });

  test('given an oversized header line inside a message, when parsed, then that message is skipped and the next one survives', () => {
    const raw = `Event: Big\r\nData: ${'x'.repeat(5000)}\r\nMore: y\r\n\r\nEvent: Next\r\n\r\n`;
    const parser = new AmiFrameParser({ maxLineBytes: 1000 });
    const frames = bytewise(Buffer.from(raw)).flatMap((c) => parser.push(c));
    assert.deepEqual(describeFrames(frames), [
      ['error', 'AMI_PARSE_LINE_TOO_LONG'],
      ['message', ['Event'], ['Next'], undefined],
    ]);
  });

  test('given a message with too many lines, when parsed, then it is rejected at the size limit and parsing resyncs', () => {
    const parser = new AmiFrameParser({ maxLineBytes: 100, maxMessageBytes: 4096 });
    const frames: AmiFrame[] = [];
    let maxBuffered = 0;
    frames.push(...parser.push(Buffer.from('Event: Flood\r\n')));
    for (let i = 0; i < 10_000; i++) {
      frames.push(...parser.push(Buffer.from(`H${i}: value\r\n`)));
      maxBuffered = Math.max(maxBuffered, parser.bufferedBytes);
    }
    frames.push(...parser.push(Buffer.from('\r\nEvent: After\r\n\r\n')));
    assert.deepEqual(describeFrames(frames), [
      ['error', 'AMI_PARSE_MESSAGE_TOO_LARGE'],
      ['message', ['Event'], ['After'], undefined],
    ]);
    assert.ok(maxBuffered <= 4096 + 100, `buffered ${maxBuffered}`);
  });

  test('given binary garbage between messages, when parsed, then garbage lines are reported and the valid messages still arrive', () => {
    const garbage = Buffer.from([0x00, 0xff, 0xfe, 0x10, 0x0d, 0x0a, 0x7f, 0x0d, 0x0a, 0x0d, 0x0a]);
    const frames = parseAll(
      [Buffer.from('Event: A\r\n\r\n'), garbage, Buffer.from('Event: B\r\n\r\n')],
      false,
    );
    assert.deepEqual(
      frames.map((f) =>
        f.kind === 'message' ? f.message.event : f.kind === 'error' ? f.error.code : f.kind,
      ),
      ['A', 'AMI_PARSE_MALFORMED_LINE', 'B'],
    );
  });

  test('given a line without a colon inside a message, when parsed, then the line is dropped and the rest is kept', () => {
    const frames = parseAll(
      [Buffer.from('Response: Success\r\nThisLineHasNoColon\r\nActionID: x\r\n\r\n')],
      false,
    );
    assert.deepEqual(describeFrames(frames), [
      ['message', ['Response', 'ActionID'], ['Success', 'x'], undefined],
      ['error', 'AMI_PARSE_MALFORMED_LINE'],
    ]);
  });

  test('given a CR at the end of one chunk and LF in the next while skipping, when parsed, then the blank line still ends the skip', () => {
    const parser = new AmiFrameParser({ maxLineBytes: 10 });
    const frames = [
      ...parser.push(Buffer.from('Event: xxxxxxxxxxxxxxxxxxxx\r\n\r')),
      ...parser.push(Buffer.from('\nEvent: ok\r\n\r\n')),
    ];
    assert.deepEqual(describeFrames(frames), [
      ['error', 'AMI_PARSE_LINE_TOO_LONG'],
      ['message', ['Event'], ['ok'], undefined],
    ]);
  });
});
