// Import and export (#/bulk): CSV files of users, devices, destinations and scenarios for onboarding many at once. A file
// is checked first (dry run: every bad row by line and column, nothing written); Import is enabled
// only after a clean check of that very file and kind. Everything the server or the file says is
// shown as text nodes. Devices an import created are enrolled: their codes are offered once, as a CSV
// download or a printed sheet (import-enrolments.ts).

import { ApiError } from '../../shared/api-client.js';
import { type Child, fill, h, uniqueId } from '../../shared/dom.js';
import type { Api } from '../endpoints.js';
import { dataTable } from '../ui/data-table.js';
import type { Notify, ViewContext } from '../view-context.js';
import { errorMessage } from './device-keys.js';
import { type SheetItem, sheetInPlaceOf } from './enrolment-sheet.js';
import { enrolmentsNotice } from './import-enrolments.js';
import { pageFrame } from './page.js';

type CsvKind = Parameters<Api['bulk']['importCsv']>[0];
/** What POST /import/<kind> answers: the counts, and (devices) the enrolments of the devices it created. */
type ImportReport = Awaited<ReturnType<Api['bulk']['importCsv']>>;
/** A refused import's error details: the problems by line and column, and the counts. */
type ProblemReport = Pick<
  ImportReport,
  'problemCount' | 'problems' | 'rows' | 'created' | 'updated' | 'unchanged' | 'extensionsCreated'
>;
type Counts = Pick<ImportReport, 'rows' | 'created' | 'updated' | 'unchanged' | 'extensionsCreated'>;

interface KindInfo {
  readonly kind: CsvKind;
  readonly label: string;
  readonly columns: string;
}

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
  {
    kind: 'scenarios',
    label: 'Scenarios',
    columns:
      "extension, name, destination, location, isDefault, locked (one row per scenario in evaluation order; replaces each listed user's scenarios)",
  },
] as const satisfies readonly KindInfo[];

/** The kind a select's value names (the select offers only KINDS). */
function kindOf(value: string): KindInfo {
  return KINDS.find((k) => k.kind === value) ?? KINDS[0];
}

/** What an import's answer needs to offer the created devices' enrolments. */
interface SheetOffer {
  readonly api: Api;
  readonly notify: Notify;
  readonly showSheet: (items: readonly SheetItem[]) => void;
}

export function render(root: HTMLElement, context: ViewContext): undefined {
  const { api, notify } = context;
  const body = pageFrame(root, {
    title: 'Import and export',
    description:
      'Onboard many users at once: export a CSV file, edit it in a spreadsheet, check it, import it.',
  });
  const showSheet = sheetInPlaceOf(root, context, render);
  body.append(exportSection(api), importSection({ api, notify, showSheet }));
}

function exportSection(api: Api): HTMLElement {
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

/** The import form's controls. */
interface ImportControls {
  readonly kindId: string;
  readonly fileId: string;
  readonly columnsHint: HTMLElement;
  readonly kindSelect: HTMLSelectElement;
  readonly fileInput: HTMLInputElement;
  readonly checkButton: HTMLButtonElement;
  readonly importButton: HTMLButtonElement;
  readonly result: HTMLElement;
}

/** The file and kind of the last clean dry run (what Import may send), and whether a request runs. */
interface ImportState {
  checked: { readonly kind: CsvKind; readonly file: File } | null;
  busy: boolean;
}

function importSection(offer: SheetOffer): HTMLElement {
  const ui = importControls();
  const state: ImportState = { checked: null, busy: false };
  const refresh = () => refreshImport(ui, state);

  function changed(): void {
    state.checked = null;
    fill(ui.result);
    refresh();
  }

  async function send(dryRun: boolean): Promise<void> {
    const kind = kindOf(ui.kindSelect.value).kind;
    const file = ui.fileInput.files?.[0];
    if (!file) return;
    state.busy = true;
    refresh();
    fill(ui.result, h('p', { class: 'muted' }, dryRun ? 'Checking…' : 'Importing…'));
    try {
      const report = await offer.api.bulk.importCsv(kind, file, dryRun);
      state.checked = dryRun ? { kind, file } : null;
      fill(ui.result, imported(report, file, dryRun, offer));
      if (!dryRun) offer.notify(`Imported ${file.name}`);
    } catch (error) {
      state.checked = null;
      fill(ui.result, refused(error, dryRun));
    } finally {
      state.busy = false;
      refresh();
    }
  }

  ui.kindSelect.addEventListener('change', changed);
  ui.fileInput.addEventListener('change', changed);
  ui.checkButton.addEventListener('click', () => send(true));
  ui.importButton.addEventListener('click', () => send(false));
  refresh();
  return importCard(ui);
}

function importControls(): ImportControls {
  const kindId = uniqueId('import-kind');
  const fileId = uniqueId('import-file');
  const columnsHint = h('p', { class: 'hint', id: uniqueId('import-columns') });
  return {
    kindId,
    fileId,
    columnsHint,
    kindSelect: h(
      'select',
      { id: kindId, name: 'kind', 'aria-describedby': columnsHint.id },
      KINDS.map(({ kind, label }) => h('option', { value: kind }, label)),
    ),
    fileInput: h('input', { id: fileId, name: 'file', type: 'file', accept: '.csv,text/csv,text/plain' }),
    checkButton: h('button', { type: 'button', class: 'btn', disabled: true }, 'Check file'),
    importButton: h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, 'Import'),
    result: h('div', { class: 'import-result', 'aria-live': 'polite' }),
  };
}

/** The columns hint of the kind chosen; Import only for the very file and kind last checked clean. */
function refreshImport(ui: ImportControls, { checked, busy }: ImportState): void {
  const { kind, columns } = kindOf(ui.kindSelect.value);
  const file = ui.fileInput.files?.[0] ?? null;
  fill(
    ui.columnsHint,
    `Columns: ${columns}. Import users first, then destinations and devices, then scenarios.`,
  );
  ui.checkButton.disabled = busy || !file;
  ui.importButton.disabled = busy || !checked || checked.file !== file || checked.kind !== kind;
}

/** A clean dry run, or a done import (with the enrolments of the devices it created). */
function imported(report: ImportReport, file: File, dryRun: boolean, offer: SheetOffer): Child {
  if (dryRun) return summary(report, `${file.name} is ready to import.`);
  const enrolments = 'enrolments' in report ? report.enrolments : undefined;
  return [
    summary(report, `${file.name} imported.`),
    enrolments?.length
      ? enrolmentsNotice({ api: offer.api, notify: offer.notify, enrolments, onSheet: offer.showSheet })
      : null,
  ];
}

/** The file's problems by line and column, or the error's message. */
function refused(error: unknown, dryRun: boolean): HTMLElement {
  if (
    error instanceof ApiError &&
    error.code === 'ADMIN_IMPORT_ROWS_INVALID' &&
    isProblemReport(error.details)
  ) {
    return problems(error.details, dryRun);
  }
  return h('p', { class: 'form-alert', role: 'alert' }, errorMessage(error));
}

function isProblemReport(details: unknown): details is ProblemReport {
  return (
    typeof details === 'object' &&
    details !== null &&
    Array.isArray((details as { problems?: unknown }).problems)
  );
}

function importCard(ui: ImportControls): HTMLElement {
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
        h('label', { for: ui.kindId }, 'What the file holds'),
        ui.kindSelect,
        ui.columnsHint,
      ),
      h(
        'div',
        { class: 'field' },
        h('label', { for: ui.fileId }, 'CSV file (at most 5 MB, 50,000 rows)'),
        ui.fileInput,
      ),
      h('div', { class: 'form-actions' }, ui.checkButton, ui.importButton),
    ),
    ui.result,
  );
}

function counts(report: Counts, dryRun: boolean): string {
  const verb = (done: string, would: string) => (dryRun ? would : done);
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

function summary(report: ImportReport, headline: string): HTMLElement {
  return h(
    'div',
    { class: 'notice', role: 'status', 'data-result': 'ok' },
    h('strong', {}, headline),
    ' ',
    counts(report, report.dryRun),
  );
}

function problems(report: ProblemReport, dryRun: boolean): HTMLElement {
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
