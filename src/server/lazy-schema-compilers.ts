import { createRequire } from 'node:module';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type Factory = (...args: unknown[]) => unknown;

/** Fastify's own dependencies, resolved from fastify (they are not Llano's). */
const requireFromFastify = createRequire(createRequire(import.meta.url).resolve('fastify'));

/** Makes a selector of `pkg` (`require(pkg)()`) on the first call only. */
function onFirstUse(pkg: string): Factory {
  let build: Factory | undefined;
  return (...args) => (build ??= (requireFromFastify(pkg) as () => Factory)())(...args);
}

/**
 * Fastify's JSON-schema validator (Ajv) and serializer compilers, loaded when a route first
 * declares a JSON schema. Llano's routes check their input with zod (`route()`) and declare no
 * Fastify schema, yet Fastify loads both compilers (Ajv with its vocabularies) when it is
 * created: about a tenth of the server's start.
 */
export const lazySchemaCompilers: Factories = {
  buildValidator: onFirstUse('@fastify/ajv-compiler') as Factories['buildValidator'],
  buildSerializer: onFirstUse('@fastify/fast-json-stringify-compiler') as Factories['buildSerializer'],
};
