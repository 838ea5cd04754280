import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at } from './examples.js';
import {
  adminKeyProblems,
  answer,
  answers,
  error,
  invalid,
  missing,
  noContent,
} from './responses.js';

const SEGMENT_ID = 'seg_4f9a2c7e1b3d5a6c8e0f';
const LAPSED_ID = 'seg_7c1e9b2a4d6f8a0c3e5b';

const lapsedCondition = {
  type: 'and',
  conditions: [
    { type: 'field', field: 'computed.order_count', operator: 'gte', value: 1 },
    {
      type: 'purchased',
      window: { kind: 'last', amount: 60, unit: 'days' },
      count: { operator: 'eq', value: 0 },
    },
  ],
};
const lapsedDefinition = {
  name: 'Lens buyers, no order for 60 days',
  description: 'Bought before, nothing in the last 60 days: the win-back journey starts here.',
  condition: lapsedCondition,
};
const lapsedSegment = {
  id: LAPSED_ID,
  ...lapsedDefinition,
  version: 1,
  createdAt: at.fit,
  updatedAt: at.fit,
};
const anaMember = {
  id: ANA_ID,
  email: 'ana@example.com',
  userId: 'u-1',
  firstName: 'Ana',
  lastName: 'Silva',
  name: 'Ana Silva',
  orderCount: 2,
  totalSpent: 102.4,
  lastOrderAt: at.lastOrder,
};

const noSegment = missing('No segment with this id in this workspace', `no segment ${SEGMENT_ID}`);
const longId = invalid(
  'An id over 100 characters',
  'params.id',
  'Too big: expected string to have <=100 characters',
);
const stale = error('conflict', 'The saved definition no longer fits the workspace.', [
  {
    summary: 'A custom field it tests was declared again with another type',
    message:
      'segment "Heavy lenses" no longer fits this workspace (condition.operator: gt does not apply to a string field): update its definition',
    details: [{ field: 'condition.operator', message: 'gt does not apply to a string field' }],
  },
]);
const badDefinition = error(
  'validation_failed',
  'The definition is invalid; `details` names each fault by its JSON path.',
  [
    {
      summary: 'An operator the field type does not take',
      message: 'condition.conditions.0.operator: contains does not apply to a number field',
      details: [
        {
          field: 'condition.conditions.0.operator',
          message: 'contains does not apply to a number field',
        },
      ],
    },
    {
      summary: 'A window of a negative length',
      message: 'condition.window.amount: Too small: expected number to be >=1',
      details: [
        { field: 'condition.window.amount', message: 'Too small: expected number to be >=1' },
      ],
    },
    {
      summary: 'A reference to a segment that does not exist',
      message: 'condition.segment: no segment seg_0000 in this workspace',
      details: [{ field: 'condition.segment', message: 'no segment seg_0000 in this workspace' }],
    },
  ],
);
const duplicate = error('conflict', 'Another segment of this workspace has this name.', [
  {
    summary: 'The name is taken',
    message: 'a segment named "Lens buyers, no order for 60 days" already exists in this workspace',
    details: [{ field: 'name', message: 'already used by another segment of this workspace' }],
  },
]);

/** Segments: definitions, members, preview, and what editors need to write definitions. */
export const segmentOperations: Catalogue = {
  'GET /api/v1/segments': {
    description: "The workspace's saved segments, by name, with their definitions and versions.",
    responses: {
      200: answer('Every segment of the workspace.', { data: [lapsedSegment] }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/segments': {
    description:
      'Saves a segment definition: a tree of `and` / `or` / `not` over field, event, purchase, ' +
      'category-view, out-of-stock-view and segment conditions (GET /segments/schema has the ' +
      'JSON Schema, GET /segments/recipes ready definitions, docs/guides/segments.md the ' +
      'meaning of each). It is checked against this workspace first: each field exists and ' +
      'its operator fits its type, each referenced segment exists, no cycle forms. Nothing is ' +
      'saved on a fault; every fault is named by its JSON path. Names are unique per workspace.',
    request: { example: lapsedDefinition },
    responses: {
      201: answer('The saved segment (version 1).', lapsedSegment),
      400: badDefinition,
      ...adminKeyProblems,
      409: duplicate,
    },
  },
  'GET /api/v1/segments/fields': {
    description:
      'The fields a `field` condition may test in this workspace with their types (which decide ' +
      'the operators): computed e-commerce fields, predictions, insights, and `traits.NAME` for ' +
      'each declared custom field. Undeclared traits may be tested too, as type `any`.',
    responses: {
      200: answer('The fields.', {
        data: [
          { path: 'computed.order_count', type: 'number', description: 'Orders placed' },
          {
            path: 'predictions.churn_risk',
            type: 'enum',
            description: 'Churn risk from the customer-value model',
            values: ['low', 'medium', 'high'],
          },
          { path: 'traits.lens_power', type: 'number', description: 'Sphere power (custom field)' },
        ],
      }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/segments/schema': {
    description:
      'The JSON Schema of a segment definition (also in docs/schemas), for editors that ' +
      'validate and complete definitions as they are typed.',
    responses: {
      200: answer('The JSON Schema (abridged here).', {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { name: { type: 'string' }, condition: { $ref: '#/$defs/SegmentCondition' } },
        required: ['name', 'condition'],
      }),
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/segments/recipes': {
    description:
      'Ready definitions for the segments stores ask for most (bought recently, lapsed, cart ' +
      'abandoners, big first orders, ...): POST one as it is, or adapt it first.',
    responses: {
      200: answer('The recipes.', {
        data: [
          {
            id: 'no-purchase-60-days',
            name: 'No purchase for 60 days',
            description: 'Customers who have bought before but not in the last 60 days.',
            condition: lapsedCondition,
          },
        ],
      }),
      ...adminKeyProblems,
    },
  },
  'POST /api/v1/segments/preview': {
    description:
      'How many profiles a condition matches now and the first ten of them (by id), without ' +
      'saving it: for an editor showing the size of a segment as it is written. Checked as a ' +
      "saved definition's condition is.",
    request: { example: { condition: lapsedCondition } },
    responses: {
      200: answer('The count and a sample.', {
        count: 1,
        sample: [anaMember],
        at: at.now,
        tookMs: 12.4,
      }),
      400: badDefinition,
      ...adminKeyProblems,
    },
  },
  'GET /api/v1/segments/{id}': {
    description: 'A segment: its definition, version and times.',
    parameters: { id: SEGMENT_ID },
    responses: {
      200: answer('The segment.', lapsedSegment),
      400: longId,
      ...adminKeyProblems,
      404: noSegment,
    },
  },
  'PUT /api/v1/segments/{id}': {
    description:
      'Replaces the definition (name, description, condition); the version goes up by one. ' +
      'Checked as on creation; a change that would make segments refer to each other in a ' +
      'cycle is refused.',
    parameters: { id: SEGMENT_ID },
    request: { example: lapsedDefinition },
    responses: {
      200: answer('The segment as saved now.', { ...lapsedSegment, version: 2, updatedAt: at.now }),
      400: error('validation_failed', 'The definition is invalid; `details` names each fault.', [
        {
          summary: 'The change would make a cycle',
          message: `condition.segment: segment ${LAPSED_ID} refers back to this one`,
          details: [
            { field: 'condition.segment', message: `segment ${LAPSED_ID} refers back to this one` },
          ],
        },
      ]),
      ...adminKeyProblems,
      404: noSegment,
      409: duplicate,
    },
  },
  'DELETE /api/v1/segments/{id}': {
    description:
      'Deletes a segment. Refused while another segment or a journey (not archived) refers to ' +
      'it: the answer names them.',
    parameters: { id: SEGMENT_ID },
    responses: {
      204: noContent('The segment is gone.'),
      400: longId,
      ...adminKeyProblems,
      404: noSegment,
      409: error('conflict', 'Another segment or a journey refers to this one.', [
        {
          summary: 'Still in use',
          message: `segment "Lapsed" is used by "Lapsed lens buyers" (${LAPSED_ID}): change or delete it first`,
          details: [
            { field: 'id', message: `referred to by segment "Lapsed lens buyers" (${LAPSED_ID})` },
          ],
        },
        {
          summary: 'Used by a journey',
          message: 'journey "Win back lapsed buyers" uses this segment: change or archive it first',
          details: [
            {
              field: 'params.id',
              message: 'used by journey jrn_7a1c3e5b9d2f4a6c8e0b (Win back lapsed buyers)',
            },
          ],
        },
      ]),
    },
  },
  'GET /api/v1/segments/{id}/count': {
    description:
      'How many profiles are in the segment now (`at`): membership is computed at request time ' +
      'from the current data, so it is never stale.',
    parameters: { id: SEGMENT_ID },
    responses: {
      200: answer('The count and the instant it is for.', { count: 1289, at: at.now }),
      400: longId,
      ...adminKeyProblems,
      404: noSegment,
      409: stale,
    },
  },
  'GET /api/v1/segments/{id}/members': {
    description:
      'The members now, by ascending profile id, `limit` per page (1-1000, default 100): id, ' +
      'email, user id, names and order figures. Pass `nextCursor` back as `cursor` (null on ' +
      'the last page).',
    parameters: {
      id: SEGMENT_ID,
      limit: 1,
      cursor: 'MGI2ZjNjMWUtOGQyYS00ZjU3LTljMWUtNWE3ZDJiOWU0ZjEw',
    },
    responses: {
      200: answers('One page of members.', [
        {
          summary: 'A page, more to come',
          value: {
            data: [anaMember],
            nextCursor: 'MGI2ZjNjMWUtOGQyYS00ZjU3LTljMWUtNWE3ZDJiOWU0ZjEw',
          },
        },
        { summary: 'The last page', value: { data: [anaMember], nextCursor: null } },
      ]),
      400: invalid(
        'A cursor that did not come from a previous page',
        'querystring.cursor',
        'must be the nextCursor of a previous page',
      ),
      ...adminKeyProblems,
      404: noSegment,
      409: stale,
    },
  },
  'GET /api/v1/segments/{id}/members.csv': {
    description:
      'Every member now as CSV: profile_id, email, user_id, first_name, last_name, order_count, ' +
      'total_spent, last_order_at. Cells a spreadsheet would run as a formula (starting with ' +
      "= + - @) get a leading '. Streamed; all rows are for one instant.",
    parameters: { id: SEGMENT_ID },
    responses: {
      200: {
        description: 'The members as CSV.',
        contentType: 'text/csv',
        schema: { type: 'string' },
        examples: [
          {
            summary: 'Two members',
            value:
              'profile_id,email,user_id,first_name,last_name,order_count,total_spent,last_order_at\r\n' +
              `${ANA_ID},ana@example.com,u-1,Ana,Silva,2,102.4,${at.lastOrder}\r\n` +
              "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f,bo@example.com,u-2,'=Bo,,1,39.9,2026-02-11T10:00:00.000Z\r\n",
          },
        ],
      },
      400: longId,
      ...adminKeyProblems,
      404: noSegment,
      409: stale,
    },
  },
};
