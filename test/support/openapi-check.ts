import { Ajv2020 } from 'ajv/dist/2020.js';
import type { OpenApiDocument, OpenApiOperation } from '../../src/server/openapi.js';
import type { Answer } from './seeded-project.js';

export interface Operation {
  method: string;
  path: string;
  op: OpenApiOperation;
}

/** Every operation of the document, in its order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
  );
}

/**
 * Checks real answers against the document: a success must have a declared status, a declared
 * media type, and a JSON body that the declared JSON Schema (draft 2020-12) accepts.
 */
export function answerChecker() {
  const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
  const compiled = new Map<object, ReturnType<typeof ajv.compile>>();
  return (operation: Operation, answer: Answer): string[] => {
    const declared = operation.op.responses[String(answer.status)];
    if (!declared)
      return [`status ${answer.status} is not declared (${Object.keys(operation.op.responses).join(', ')})`];
    const media = answer.contentType.split(';')[0].trim();
    if (!declared.content) return answer.body === '' ? [] : [`status ${answer.status} declares no body`];
    const content = declared.content[media];
    if (!content) return [`media type ${media} is not declared for ${answer.status}`];
    if (media !== 'application/json') return [];
    let validate = compiled.get(content.schema);
    if (!validate) compiled.set(content.schema, (validate = ajv.compile(content.schema)));
    return validate(answer.body)
      ? []
      : (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message} ${JSON.stringify(e.params)}`);
  };
}
