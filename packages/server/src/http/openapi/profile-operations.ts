import type { Catalogue } from './catalogue-types.js';
import {
  ANA_ID,
  anaProfile,
  at,
  orderCompletedEvent,
  productViewedEvent,
  profileExport,
} from './examples.js';
import {
  adminKeyProblems,
  answer,
  answers,
  error,
  invalid,
  missing,
  noContent,
} from './responses.js';

const noProfile = missing('No profile with this id in this workspace', `no profile ${ANA_ID}`);
const longId = invalid(
  'An id over 200 characters',
  'params.id',
  'Too big: expected string to have <=200 characters',
);

/** A segment entry as the timeline shows it, beside the view that caused it. */
const segmentEnteredEvent = {
  messageId: 'seg:42',
  type: 'track',
  event: 'Segment Entered',
  timestamp: at.firstSeen,
  receivedAt: at.firstSeen,
  payload: {
    type: 'track',
    event: 'Segment Entered',
    messageId: 'seg:42',
    timestamp: at.firstSeen,
    receivedAt: at.firstSeen,
    properties: {
      segment: { id: 'seg_5c1e0f7a9b2d4e6f8a10', name: 'Viewed lenses this week' },
      cause: 'message ajs-next-1741903504120-4f0e',
    },
  },
};

/** Profiles and the custom-field schema. */
export const profileOperations: Catalogue = {
  'GET /api/v1/profiles': {
    description:
      'Two uses. **Lookup**: pass one (or several) of `email`, `userId`, `phone`, ' +
      '`anonymousId`, `customerId` for the profiles holding that identifier (usually one; ' +
      'empty `data` when nobody matches; emails match case-insensitively). **Browse**: without ' +
      'an identifier, every profile, newest first, `limit` per page (1-100, default 50), `q` ' +
      'searching email, user id and name prefixes; pass `nextCursor` back as `cursor` (null on ' +
      'the last page). Unknown parameters are refused, so a misspelt `?mail=` never lists ' +
      'everyone. Events are applied asynchronously: add `consistent=true` to wait for every ' +
      'write acknowledged so far.',
    parameters: { email: 'ana@example.com', limit: 50 },
    responses: {
      200: answers('The matching profiles, with traits, identifiers and computed fields.', [
        { summary: 'Lookup by email', value: { data: [anaProfile], nextCursor: null } },
        {
          summary: 'Browse with q=ana (a next page exists)',
          value: { data: [anaProfile], nextCursor: 'MTc0MDkwMzMwNDEyMDowYjZmM2MxZQ' },
        },
      ]),
      400: error('validation_failed', 'The query is invalid; `details` names the parameter.', [
        {
          summary: 'Browsing and lookup mixed',
          message:
            'querystring.q: q lists profiles and cannot be combined with an identifier lookup',
          details: [
            {
              field: 'querystring.q',
              message: 'q lists profiles and cannot be combined with an identifier lookup',
            },
          ],
        },
        {
          summary: 'A misspelt parameter',
          message: 'querystring: Unrecognized key: "mail"',
          details: [{ field: 'querystring', message: 'Unrecognized key: "mail"' }],
        },
        {
          summary: 'A cursor that did not come from a previous page',
          message: 'cursor: must be the nextCursor of a previous page',
          details: [
            { field: 'querystring.cursor', message: 'must be the nextCursor of a previous page' },
          ],
        },
      ]),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/profiles/{id}': {
    description:
      'A profile: traits, identifiers, computed e-commerce fields (orders, spend, what they ' +
      'bought and viewed), consent, predictions and insights once fitted. An id merged away into ' +
      'another profile answers with the surviving profile (its `mergedFrom` lists the old ids).',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('The profile.', anaProfile),
      400: longId,
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'DELETE /api/v1/profiles/{id}': {
    description:
      'GDPR erasure: the profile, its identifiers, events and orders are deleted. What is kept ' +
      'is a keyed hash of the identifiers, so a person who comes back is recognised as ' +
      '`recreatedAfterErasure` without their data being readable.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('The profile was erased; the id it had.', { erased: ANA_ID }),
      400: longId,
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'GET /api/v1/profiles/{id}/events': {
    description:
      "The profile's timeline, newest first: its events as they were sent (with the server's " +
      'corrected `timestamp` and `receivedAt`), and its segment entries and exits as ' +
      '`Segment Entered` / `Segment Exited` track events (id `seg:<n>`, the one webhook ' +
      'subscribers receive for the same change) whose `properties` name the segment (`id`, and ' +
      '`name`, null once the segment was deleted) and the `cause` (`message <messageId>`, ' +
      '`time: a window moved`, `segment created`, `definition vN`, `model fit`). Events are ' +
      'placed by when they were received, entries and exits by when they happened; one at the ' +
      'same instant as the event that caused it shows above it. `event` keeps only entries of ' +
      'that name (`Order Completed`, `Segment Entered`). Page with `limit` (1-1000, default ' +
      '100) and pass `nextCursor` back as `cursor`; `nextCursor` is null on the last page.',
    parameters: { id: ANA_ID, limit: 3 },
    responses: {
      200: answers('One page of the timeline.', [
        {
          summary: 'Events and a segment entry (a next page exists)',
          value: {
            data: [orderCompletedEvent, segmentEnteredEvent, productViewedEvent],
            nextCursor: '42.3',
          },
        },
        {
          summary: 'With event=Segment Entered',
          value: { data: [segmentEnteredEvent], nextCursor: null },
        },
      ]),
      400: invalid(
        'A cursor that did not come from a previous page',
        'querystring.cursor',
        'cursor must be the nextCursor of a previous page',
      ),
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'GET /api/v1/profiles/{id}/export': {
    description:
      'GDPR access: everything held about this person as one JSON document: the profile, their ' +
      'orders, every event, and events that could not be applied but carry their identifiers.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer('The export.', profileExport),
      400: longId,
      ...adminKeyProblems,
      404: noProfile,
    },
  },
  'GET /api/v1/custom-fields': {
    description:
      'The typed custom fields declared in this workspace. Traits with a declared name are ' +
      'validated and coerced to its type on every identify, import and webhook.',
    responses: {
      200: answer('The declared fields.', {
        data: [
          { name: 'lens_power', type: 'number', description: 'Sphere power of the last lenses' },
          { name: 'wear', type: 'enum', values: ['daily', 'monthly'] },
        ],
      }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/custom-fields': {
    description:
      'Declares a typed custom field (`string`, `number`, `boolean`, `date`, `enum` with its ' +
      '`values`, `list`). Declaring the same field again is harmless; changing the type of an ' +
      'existing field is a conflict (delete it first).',
    request: {
      example: {
        name: 'lens_power',
        type: 'number',
        description: 'Sphere power of the last lenses',
      },
    },
    responses: {
      201: answer('The declared field.', {
        name: 'lens_power',
        type: 'number',
        description: 'Sphere power of the last lenses',
      }),
      400: invalid(
        'A name that is not lower snake_case',
        'name',
        'lower snake_case, starting with a letter, at most 64',
      ),
      ...adminKeyProblems,
      409: error('conflict', 'The field exists with another type.', [
        {
          summary: 'Declared before as another type',
          message: 'custom field lens_power already exists as string',
          details: [{ field: 'name', message: 'delete the field first to change its type' }],
        },
      ]),
    },
  },
  'DELETE /api/v1/custom-fields/{name}': {
    description:
      'Removes a custom field declaration. Stored traits keep their values; new values are no ' +
      'longer validated.',
    parameters: { name: 'lens_power' },
    responses: {
      204: noContent('The declaration is gone.'),
      ...adminKeyProblems,
      404: missing('No custom field of that name', 'no custom field lens_power'),
    },
  },
};
