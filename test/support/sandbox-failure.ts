import { expect } from 'vitest';
import { SandboxError } from '../../src/sandbox/index.js';

/** The SandboxError a call into user code rejects with (the test fails if it resolves or rejects otherwise). */
export async function failure(promise: Promise<unknown>): Promise<SandboxError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(SandboxError);
  return err as SandboxError;
}
