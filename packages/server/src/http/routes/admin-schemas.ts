import { errorEnvelopeSchema, storableText } from '@comeback/contracts';
import { z } from 'zod';

/** The error answers every admin route may give, in the one envelope. */
export const adminErrors = {
  400: errorEnvelopeSchema,
  401: errorEnvelopeSchema,
  403: errorEnvelopeSchema,
  404: errorEnvelopeSchema,
};

/** `{id}` path parameters: non-empty storable text up to `max` characters. */
export const idParamsUpTo = (max: number) => z.object({ id: storableText().min(1).max(max) });
