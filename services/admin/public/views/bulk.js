// Import and export (#/bulk): CSV files of users, devices and destinations for onboarding many at once. A file
// is checked first (dry run: every bad row by line and column, nothing written); Import is enabled
// only after a clean check of that very file and kind. Everything the server or the file says is
// shown as text nodes. Devices an import created are enrolled: their codes are offered once, as a CSV
// download or a printed sheet (import-enrolments.js).

import { fill, h, uniqueId } from '../dom.js';
import { dataTable } from '../ui/data-table.js';
import { renderEnrolmentSheet } from './enrolment-sheet.js';
import { enrolmentsNotice } from './import-enrolments.js';
import { pageFrame } from './page.js';

const KINDS = [
  {
    kind: 'users',
    label: 'Users (extensions)',
    columns: 'extension, displayName',
  },
  {
    kind: 'destinations',
    label: 'Destinations',
    columns: 'name, dial',
  },
  {
    kind: 'devices',
    label: 'Devices',
    columns: 'deviceId, extension, label, enabled, allowCreateTargets, wifiMacs (several: spaces or ;)',
  },
];

export function render(root, context) {
  const { api, notify } = context;
  const body = pageFrame(root, {
    title: 'Import and export',
    description:
      'Onboard many users at once: export a CSV file, edit it in a spreadsheet, check it, import it.',
  });
  const showSheet = (items) =>
    renderEnrolmentSheet(root, {
      items,
      onBack: () => {
        root.replaceChildren();
        render(root, context);
      },
    });
  body.append(exportSection(api), importSection(api, notify, showSheet));
}

function exportSection(api) {
  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'export-title' },
    h('h2', { id: 'export-title' }, 'Export'),
    h(
      'p',
      { class: 'muted' },
      'Every row, with a header line. Secrets (server keys, licence files) are never exported.',
    ),
    h(
      'div',
      { class: 'row-actions' },
      KINDS.map(({ kind, label }) =>
        h(
          'a',
          {
            class: 'btn btn-small',
            href: api.bulk.exportUrl(kind),
            download: `${kind}.csv`,
            'data-export': kind,
          },
          `${label} (${kind}.csv)`,
        ),
      ),
    ),
  );
}

function importSection(api, notify, showSheet) {
  const kindId = uniqueId('import-kind');
  const fileId = uniqueId('import-file');
  const columnsHint = h('p', { class: 'hint', id: uniqueId('import-columns') });
  const kindSelect = h(
    'select',
    { id: kindId, name: 'kind', 'aria-describedby': columnsHint.id },
    KINDS.map(({ kind, label }) => h('option', { value: kind }, label)),
  );
  const fileInput = h('input', {
    id: fileId,
    name: 'file',
    type: 'file',
    accept: '.csv,text/csv,text/plain',
  });
  const checkButton = h('button', { type: 'button', class: 'btn', disabled: true }, 'Check file');
  const importButton = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, 'Import');
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  /** The file and kind of the last clean dry run: what Import may send. */
  let checked = null;
  let busy = false;

  function selection() {
    return { kind: kindSelect.value, file: fileInput.files?.[0] ?? null };
  }

  function refresh() {
    const { kind, file } = selection();
    fill(
      columnsHint,
      `Columns: ${KINDS.find((k) => k.kind === kind).columns}. Import users first, then destinations and devices.`,
    );
    checkButton.disabled = busy || !file;
    importButton.disabled = busy || !checked || checked.file !== file || checked.kind !== kind;
  }

  function changed() {
    checked = null;
    fill(result);
    refresh();
  }

  async function send(dryRun) {
    const { kind, file } = selection();
    if (!file) return;
    busy = true;
    refresh();
    fill(result, h('p', { class: 'muted' }, dryRun ? 'Checking…' : 'Importing…'));
    try {
      const report = await api.bulk.importCsv(kind, file, dryRun);
      if (dryRun) {
        checked = { kind, file };
        fill(result, summary(report, `${file.name} is ready to import.`));
      } else {
        checked = null;
        fill(
          result,
          summary(report, `${file.name} imported.`),
          report.enrolments?.length
            ? enrolmentsNotice({ api, notify, enrolments: report.enrolments, onSheet: showSheet })
            : null,
        );
        notify(`Imported ${file.name}`);
      }
    } catch (error) {
      checked = null;
      const report = error?.details;
      if (error?.code === 'ADMIN_IMPORT_ROWS_INVALID' && Array.isArray(report?.problems)) {
        fill(result, problems(report, dryRun));
      } else {
        fill(result, h('p', { class: 'form-alert', role: 'alert' }, error?.message ?? String(error)));
      }
    } finally {
      busy = false;
      refresh();
    }
  }

  kindSelect.addEventListener('change', changed);
  fileInput.addEventListener('change', changed);
  checkButton.addEventListener('click', () => send(true));
  importButton.addEventListener('click', () => send(false));
  refresh();

  return h(
    'section',
    { class: 'card', 'aria-labelledby': 'import-title' },
    h('h2', { id: 'import-title' }, 'Import'),
    h(
      'p',
      { class: 'muted' },
      'Rows are added or updated, never deleted. A file is imported whole or not at all; importing the same file again changes nothing.',
    ),
    h(
      'div',
      { class: 'form' },
      h(
        'div',
        { class: 'field' },
        h('label', { for: kindId }, 'What the file holds'),
        kindSelect,
        columnsHint,
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: fileId }, 'CSV file (at most 5 MB, 50,000 rows)'),
        fileInput,
      ),
      h('div', { class: 'form-actions' }, checkButton, importButton),
    ),
    result,
  );
}

function counts(report, dryRun) {
  const verb = (done, would) => (dryRun ? would : done);
  const parts = [
    `${report.rows} rows`,
    `${report.created} ${verb('created', 'to create')}`,
    `${report.updated} ${verb('updated', 'to update')}`,
    `${report.unchanged} unchanged`,
  ];
  if (report.extensionsCreated) {
    parts.push(`${report.extensionsCreated} new extension${report.extensionsCreated === 1 ? '' : 's'}`);
  }
  return parts.join(' · ');
}

function summary(report, headline) {
  return h(
    'div',
    { class: 'notice', role: 'status', 'data-result': 'ok' },
    h('strong', {}, headline),
    ' ',
    counts(report, report.dryRun),
  );
}

function problems(report, dryRun) {
  const more = report.problemCount - report.problems.length;
  return h(
    'div',
    { 'data-result': 'problems' },
    h(
      'p',
      { class: 'form-alert', role: 'alert' },
      `${report.problemCount} problem${report.problemCount === 1 ? '' : 's'} in the file: ${dryRun ? 'fix them and check again' : 'nothing was imported'}.`,
      ' ',
      counts(report, true),
    ),
    dataTable({
      caption: 'Problems by line and column',
      columns: [
        { label: 'Line', render: (p) => String(p.line) },
        { label: 'Column', render: (p) => (p.column ? h('code', {}, p.column) : '—') },
        { label: 'Problem', render: (p) => p.message },
      ],
      rows: report.problems,
    }),
    more > 0 ? h('p', { class: 'muted' }, `…and ${more} more.`) : null,
  );
}
