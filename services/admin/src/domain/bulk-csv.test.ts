import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CellCheck, type CsvTable, readCsvTable, unescapeFormula, writeCsv } from './bulk-csv.js';

const digits: CellCheck = (_kind, column, value) =>
  (column === 'extension' || column === 'deviceId') && !/^[A-Za-z0-9]+$/.test(value)
    ? 'must be letters or digits'
    : null;

function table(kind: 'users' | 'devices' | 'destinations', csv: string, maxRows?: number): CsvTable {
  const result = readCsvTable(kind, csv, digits, maxRows);
  assert.ok(!('tooManyRows' in result), 'not too many rows');
  return result;
}

test('given a devices file with a BOM, CRLF, spaced header names and blank optional cells, when read, then rows carry typed cells and their lines', () => {
  const t = table(
    'devices',
    '\ufeffDevice ID,extension,Label,enabled\r\nAAAA1,230,Desk,no\r\n\r\nBBBB2,231,,\r\n',
  );
  assert.deepEqual(t.problems, []);
  assert.deepEqual(t.columns, ['deviceId', 'extension', 'label', 'enabled']);
  assert.deepEqual(t.rows, [
    { line: 2, cells: { deviceId: 'AAAA1', extension: '230', label: 'Desk', enabled: false } },
    { line: 4, cells: { deviceId: 'BBBB2', extension: '231', label: '', enabled: true } },
  ]);
});

test('given bad cells, a short line and a duplicate id, when read, then each is reported by line and column and only good rows remain', () => {
  const t = table(
    'devices',
    [
      'deviceId,extension,enabled',
      'AAAA1,230,true',
      'AAAA2,,true',
      'AA-3,232,maybe',
      'AAAA4,233',
      'AAAA1,234,false',
      'AAAA5,235,1',
    ].join('\n'),
  );
  assert.deepEqual(t.problems, [
    { line: 3, column: 'extension', message: 'required' },
    { line: 4, column: 'deviceId', message: 'must be letters or digits' },
    { line: 4, column: 'enabled', message: '"maybe" is not true or false' },
    { line: 5, column: '', message: 'has 2 values; the header names 3 columns' },
    { line: 6, column: 'deviceId', message: 'AAAA1 appears again (first on line 2)' },
  ]);
  assert.deepEqual(
    t.rows.map((r) => r.line),
    [2, 7],
  );
});

test('given a header with an unknown, a repeated and a missing required column, when read, then line 1 names each and no row is read', () => {
  const t = table('destinations', 'name,name,colour\nSMART-Desk,Desk,red\n');
  assert.deepEqual(t.problems, [
    { line: 1, column: 'name', message: 'column appears twice' },
    { line: 1, column: 'colour', message: 'unknown column (columns: name, dial)' },
    { line: 1, column: 'dial', message: 'required column missing' },
  ]);
  assert.deepEqual(t.rows, []);
});

test('given an unclosed quote or an empty file, when read, then one problem names the line', () => {
  const open = table('users', 'extension,displayName\n230,"Doe, John\n231,x\n');
  assert.equal(open.problems.length, 1);
  assert.equal(open.problems[0]!.column, '');
  assert.match(open.problems[0]!.message, /quoted value is not closed/);
  const empty = table('users', '');
  assert.deepEqual(empty.problems, [
    {
      line: 1,
      column: '',
      message: 'the file is empty; its first line names the columns: extension, displayName',
    },
  ]);
});

test('given a quoted value over two lines, when a later cell is wrong, then the problem names the line the record starts on', () => {
  const t = table('users', 'extension,displayName\n"2-a","two\nlines"\n');
  assert.deepEqual(t.problems, [{ line: 2, column: 'extension', message: 'must be letters or digits' }]);
});

test('given a file saved with semicolons, when read, then its columns are found', () => {
  const t = table('users', 'extension;displayName\n230;Doe, John\n');
  assert.deepEqual(t.rows, [{ line: 2, cells: { extension: '230', displayName: 'Doe, John' } }]);
});

test('given more rows than the limit, when read, then it says so instead of reading them', () => {
  const csv = `extension\n${Array.from({ length: 6 }, (_, i) => 200 + i).join('\n')}\n`;
  assert.deepEqual(readCsvTable('users', csv, digits, 5), { tooManyRows: 5 });
  assert.equal(table('users', csv, 6).rows.length, 6);
});

test('given cells a spreadsheet would run as formulas, when exported, then they start with an apostrophe, and reading them back restores the value', () => {
  const csv = writeCsv('destinations', [
    { name: 'SMART-Sum', dial: '=1+2' },
    { name: 'SMART-Mobile', dial: '+4930123' },
    { name: 'SMART-At', dial: '@home' },
    { name: 'SMART-Minus', dial: '-5' },
    { name: 'SMART-Plain', dial: '230' },
  ]);
  assert.equal(
    csv,
    "name,dial\nSMART-Sum,'=1+2\nSMART-Mobile,'+4930123\nSMART-At,'@home\nSMART-Minus,'-5\nSMART-Plain,230\n",
  );
  assert.deepEqual(
    table('destinations', csv).rows.map((r) => r.cells.dial),
    ['=1+2', '+4930123', '@home', '-5', '230'],
  );
  assert.equal(unescapeFormula("'plain"), "'plain");
});

test('given devices with booleans and a comma in a label, when exported, then the header and order are fixed and values are quoted as needed', () => {
  const csv = writeCsv('devices', [
    { deviceId: 'AAAA1', extension: '230', label: 'Doe, John', enabled: true, allowCreateTargets: false },
  ]);
  assert.equal(
    csv,
    'deviceId,extension,label,enabled,allowCreateTargets,wifiMacs\nAAAA1,230,"Doe, John",true,false,\n',
  );
});
