import type { Catalogue } from './catalogue-types.js';
import { importJob, savedMapping, sftpFile, sftpSource } from './examples.js';
import { adminKeyProblems, answer, error, invalid, missing, noContent } from './responses.js';

const noImport = missing(
  'No import with this id in this workspace',
  `no import ${importJob.id} in this workspace`,
  'id',
);
const noMapping = missing(
  'No saved mapping of that name in this workspace',
  'no mapping crm-customers in this workspace',
  'id',
);
const noSource = missing(
  'No SFTP source with this id in this workspace',
  `no SFTP source ${sftpSource.id} in this workspace`,
  'id',
);
const longSourceId = invalid(
  'An id over 64 characters',
  'params.id',
  'Too big: expected string to have <=64 characters',
);
const mappingInput = {
  kind: 'customers',
  columns: [
    { source: 'E-Mail', target: 'email' },
    { source: 'Vorname', target: 'traits.first_name' },
    { source: 'Kundennummer', target: 'customer_id' },
  ],
  ignore: ['Notizen'],
};
const unknownTarget = error(
  'validation_failed',
  'The mapping is invalid; `details` names each column.',
  [
    {
      summary: 'A target that is not a field of the kind',
      message: 'mapping: columns.1: first_name is not a field of customers',
      details: [{ field: 'columns.1', message: 'first_name is not a field of customers' }],
    },
  ],
);
const sourceInput = {
  name: 'ERP nightly export',
  host: 'sftp.example.com',
  username: 'comeback',
  password: 'correct-horse-battery-staple',
  hostFingerprint: 'SHA256:nThbg6kXUpJWGl7E1IGOCspRomTxdCARLviKw6E5SY8',
  remoteDir: '/exports',
  pattern: 'customers-*.csv',
  kind: 'customers',
  mapping: 'crm-customers',
  schedule: '0 6 * * *',
  timezone: 'Europe/Berlin',
};
const badSchedule = invalid(
  'A schedule that is not a cron expression',
  'schedule',
  'must be a cron expression such as "*/15 * * * *": needs 5 fields (minute hour day month weekday), got 3',
);

/** Imports, saved field mappings and scheduled SFTP pulls. */
export const importOperations: Catalogue = {
  'POST /api/v1/imports': {
    description:
      'Uploads a file of `customers`, `orders`, `products` or `events` to import: the raw body ' +
      'as `text/csv`, `application/x-ndjson` (JSON lines) or `application/gzip` (either, ' +
      'gzipped; then say `format`). Answers 202 at once with the queued import; poll ' +
      '`GET /api/v1/imports/{id}` until `status` is `done` or `failed`. The import commits in ' +
      'chunks, changes nothing when given the same file twice, and lists each rejected row ' +
      'with its line and reason (`GET /api/v1/imports/{id}/rejected`). Without `mapping`, ' +
      'columns named like fields map to them. See docs/guides/imports.md.',
    parameters: { kind: 'customers', mapping: 'crm-customers', name: 'customers-2026-05.csv' },
    request: {
      contentType: 'text/csv',
      schema: { type: 'string', format: 'binary' },
      example:
        'E-Mail,Vorname,Kundennummer\nana@example.com,Ana,c-1\nnot-an-email,Bo,c-2\ncarla@example.com,Carla,c-3\n',
    },
    responses: {
      202: answer('The import, queued.', {
        ...importJob,
        status: 'queued',
        progress: { rows: 0, bytes: 0, totalBytes: 100 },
        summary: null,
        startedAt: null,
        finishedAt: null,
      }),
      400: error('validation_failed', 'Not a file, an empty file, or a mapping of another kind.', [
        {
          summary: 'A JSON body instead of a file',
          message:
            'send the file as the raw body (text/csv, application/x-ndjson or application/gzip)',
          details: [{ field: 'content-type', message: 'not a file upload' }],
        },
        {
          summary: 'An empty file',
          message: 'the uploaded file is empty',
          details: [{ field: 'body', message: 'empty' }],
        },
      ]),
      ...adminKeyProblems,
      404: missing(
        'The named mapping does not exist',
        'no saved mapping named crm-customers',
        'mapping',
      ),
      413: error('payload_too_large', 'The file is over 4 GiB.', [
        {
          summary: 'File over 4 GiB',
          message: 'an import file is limited to 4294967296 bytes',
          details: [{ field: 'body', message: 'too large' }],
        },
      ]),
    },
  },
  'GET /api/v1/imports': {
    description: 'Recent imports of this workspace, newest first (`limit` 1-200, default 50).',
    parameters: { limit: 20 },
    responses: {
      200: answer('The imports.', { data: [importJob] }),
      400: invalid('A limit over 200', 'querystring.limit', 'Too big: expected number to be <=200'),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/imports/{id}': {
    description:
      'An import: `status` (`queued`, `running`, `done`, `failed`), progress (rows read, bytes ' +
      'of the total) and, when done, its summary: every row counted once as imported, updated, ' +
      'unchanged or rejected.',
    parameters: { id: importJob.id },
    responses: {
      200: answer('The import.', importJob),
      400: invalid(
        'An id over 128 characters',
        'params.id',
        'Too big: expected string to have <=128 characters',
      ),
      ...adminKeyProblems,
      404: noImport,
    },
  },
  'GET /api/v1/imports/{id}/rejected': {
    description:
      'The rejected rows of an import as a file in the format of the upload (CSV or JSON ' +
      'lines): each row as it was, with its line number and the reason.',
    parameters: { id: importJob.id },
    responses: {
      200: {
        description: 'The rejected rows (CSV for a CSV upload, JSON lines for JSON lines).',
        contentType: 'text/csv',
        schema: { type: 'string' },
        examples: [
          {
            summary: 'A CSV upload',
            value:
              'line,reason,E-Mail,Vorname,Kundennummer\n3,"email ""not-an-email"" is not an e-mail address",not-an-email,Bo,c-2\n',
          },
        ],
      },
      400: invalid(
        'An id over 128 characters',
        'params.id',
        'Too big: expected string to have <=128 characters',
      ),
      ...adminKeyProblems,
      404: missing(
        'No such import, or it rejected no row',
        `no rejected rows for import ${importJob.id} in this workspace`,
        'id',
      ),
    },
  },
  'POST /api/v1/import-mappings': {
    description:
      'Saves a named field mapping for a kind: which source column fills which field ' +
      '(`email`, `traits.first_name`, `line.price`, ...), with types, date formats, number ' +
      'locales, enum maps and constants. Use it by name in `POST /api/v1/imports?mapping=` and ' +
      'in SFTP sources.',
    request: { example: { name: 'crm-customers', ...mappingInput } },
    responses: {
      201: answer('The saved mapping.', savedMapping),
      400: unknownTarget,
      ...adminKeyProblems,
      409: error('conflict', 'A mapping of that name exists: PUT it to change it.', [
        {
          summary: 'Name taken',
          message: 'a mapping named crm-customers exists; PUT it to change it',
          details: [{ field: 'name', message: 'taken' }],
        },
      ]),
    },
  },
  'GET /api/v1/import-mappings': {
    description: 'The saved field mappings of this workspace.',
    responses: {
      200: answer('The mappings.', { data: [savedMapping] }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/import-mappings/{name}': {
    description: 'A saved field mapping.',
    parameters: { name: 'crm-customers' },
    responses: {
      200: answer('The mapping.', savedMapping),
      ...adminKeyProblems,
      404: noMapping,
    },
  },
  'PUT /api/v1/import-mappings/{name}': {
    description: 'Replaces a saved field mapping (imports already run keep what they did).',
    parameters: { name: 'crm-customers' },
    request: { example: mappingInput },
    responses: {
      200: answer('The mapping as saved now.', {
        ...savedMapping,
        updatedAt: '2026-05-04T09:00:00.000Z',
      }),
      400: unknownTarget,
      ...adminKeyProblems,
      404: missing(
        'No saved mapping of that name in this workspace',
        'no mapping named crm-customers in this workspace',
        'name',
      ),
    },
  },
  'POST /api/v1/sftp-sources': {
    description:
      'Adds an SFTP folder polled on a cron `schedule` in `timezone`: files matching `pattern` ' +
      'are imported as `kind` (with the saved `mapping`) and moved to `processed/` or ' +
      '`failed/`. Give a `password` or a `privateKey` (sealed at rest, never returned); pin ' +
      "the server's `hostFingerprint` as `ssh-keygen -lf` prints it. See docs/guides/sftp.md.",
    request: { example: sourceInput },
    responses: {
      201: answer('The source, with its next run.', {
        ...sftpSource,
        lastRunAt: null,
        lastSuccessAt: null,
        seenHostFingerprint: null,
        files: { imported: 0, failed: 0, pendingMoves: 0 },
      }),
      400: badSchedule,
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/sftp-sources': {
    description: 'The SFTP sources with their last run, last error and next run.',
    responses: {
      200: answer('The sources.', { data: [sftpSource] }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/sftp-sources/{id}': {
    description: 'One SFTP source (never its credentials).',
    parameters: { id: sftpSource.id },
    responses: {
      200: answer('The source.', sftpSource),
      400: longSourceId,
      ...adminKeyProblems,
      404: noSource,
    },
  },
  'PATCH /api/v1/sftp-sources/{id}': {
    description:
      'Changes a source: fields left out keep their value; a new schedule or time zone plans ' +
      'the next run again; `enabled: false` stops the schedule.',
    parameters: { id: sftpSource.id },
    request: { example: { enabled: false } },
    responses: {
      200: answer('The source as it is now.', { ...sftpSource, enabled: false, nextRunAt: null }),
      400: badSchedule,
      ...adminKeyProblems,
      404: noSource,
    },
  },
  'DELETE /api/v1/sftp-sources/{id}': {
    description: 'Removes a source and its file log. Files on the SFTP server stay where they are.',
    parameters: { id: sftpSource.id },
    responses: {
      204: noContent('Removed.'),
      400: longSourceId,
      ...adminKeyProblems,
      404: noSource,
    },
  },
  'POST /api/v1/sftp-sources/{id}/run': {
    description:
      'Pulls now (also when the source is disabled) and answers when the run is over, with ' +
      'the files it handled; `error` says why the run could not connect or list, if so.',
    parameters: { id: sftpSource.id },
    responses: {
      200: answer('The run is over.', { error: null, files: [sftpFile] }),
      400: longSourceId,
      ...adminKeyProblems,
      404: noSource,
      409: error('conflict', 'A pull of this source is under way.', [
        {
          summary: 'Already pulling',
          message: 'a pull of this source is under way; try again when it ends',
        },
      ]),
    },
  },
  'GET /api/v1/sftp-sources/{id}/files': {
    description:
      'The per-file log, newest first: status (`importing`, `imported`, `failed`), the import ' +
      'summary or the error, and where the file was moved. Filter by `status`; `limit` 1-500.',
    parameters: { id: sftpSource.id, status: 'imported' },
    responses: {
      200: answer('The files.', { data: [sftpFile] }),
      400: invalid(
        'An unknown status',
        'querystring.status',
        'Invalid option: expected one of "importing"|"imported"|"failed"',
      ),
      ...adminKeyProblems,
      404: noSource,
    },
  },
};
