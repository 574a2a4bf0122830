import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { checkTypes } from '../../quality/checks/registry.js';
import { QualitySettingsSchema } from '../../quality/quality-settings.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

const jsonSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });

/** Check types with the JSON schema of their parameters and examples: the dataset quality editor builds its forms and templates from them. */
export function checkTypeRoutes(app: FastifyInstance): void {
  route(
    app,
    {
      method: 'GET',
      url: '/api/check-types',
      summary: 'Dataset check types with the JSON schema of their parameters (forms are generated from them)',
      tag: 'quality',
      access: 'user',
      response: { 200: R.CheckTypes },
    },
    () =>
      Promise.resolve({
        settings: jsonSchema(QualitySettingsSchema),
        checks: checkTypes.list().map((c) => ({
          type: c.type,
          label: c.label,
          columnRule: c.columns !== undefined,
          schema: jsonSchema(c.params),
          examples: c.examples,
        })),
      }),
  );
}
