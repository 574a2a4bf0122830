import type { FastifyInstance } from 'fastify';
import { jsonSchemaOf } from '../../common/json-schema.js';
import { checkTypes } from '../../quality/checks/registry.js';
import { QualitySettingsSchema } from '../../quality/quality-settings.js';
import * as R from '../response-schemas.js';
import { route } from '../route.js';

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
        settings: jsonSchemaOf(QualitySettingsSchema),
        checks: checkTypes.list().map((c) => ({
          type: c.type,
          label: c.label,
          columnRule: c.columns !== undefined,
          schema: jsonSchemaOf(c.params),
          examples: c.examples,
        })),
      }),
  );
}
