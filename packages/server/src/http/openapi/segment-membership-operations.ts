import type { Catalogue } from './catalogue-types.js';
import { ANA_ID, at } from './examples.js';
import { adminKeyProblems, answer, invalid, missing } from './responses.js';

const SEGMENT_ID = 'seg_4f9a2c7e1b3d5a6c8e0f';

/** Stored membership: a segment's history and a profile's segments (ADR 0018). */
export const segmentMembershipOperations: Catalogue = {
  'GET /api/v1/segments/{id}/history': {
    description:
      "The segment's size at the end of each of the last `days` UTC days (1-366, default 30) " +
      'with how many entered and left that day, and its 50 latest entries and exits with their ' +
      'time and cause (`message <id>`: an event; `time: a window moved`; `segment created`; ' +
      '`definition vN`). Sizes are those of the membership the processor keeps, which follows ' +
      'each applied event and each window sliding at its instant.',
    parameters: { id: SEGMENT_ID, days: 2 },
    responses: {
      200: answer('The history.', {
        size: 1289,
        days: [
          { date: '2026-11-30', size: 1270, entered: 31, exited: 12 },
          { date: '2026-12-01', size: 1289, entered: 25, exited: 6 },
        ],
        recent: [{ profileId: ANA_ID, kind: 'entered', at: at.now, cause: 'time: a window moved' }],
      }),
      400: invalid('Too many days', 'querystring.days', 'Too big: expected number to be <=366'),
      ...adminKeyProblems,
      404: missing('No segment with this id in this workspace', `no segment ${SEGMENT_ID}`),
    },
  },
  'GET /api/v1/profiles/{id}/segments': {
    description:
      'The segments the profile is in, by name, each with when it entered and what caused it. ' +
      'A merged-away id answers for the profile it was merged into.',
    parameters: { id: ANA_ID },
    responses: {
      200: answer("The profile's segments.", {
        data: [
          {
            segmentId: SEGMENT_ID,
            name: 'Lens buyers, no order for 60 days',
            since: at.now,
            cause: 'time: a window moved',
          },
        ],
      }),
      400: invalid(
        'An id over 200 characters',
        'params.id',
        'Too big: expected string to have <=200 characters',
      ),
      ...adminKeyProblems,
      404: missing('No profile with this id in this workspace', `no profile ${ANA_ID}`),
    },
  },
};
