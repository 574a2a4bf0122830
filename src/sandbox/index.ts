/** Runs user code (TypeScript, Python, R) in child processes with limits; see docs/architecture.md. */
export { findInterpreter, interpreterPath, type Interpreter } from './interpreters.js';
export { isInterpreterCandidate, machineInterpreters, type DiscoveredInterpreter } from './interpreter-discovery.js';
export { sandboxLimits } from './limits.js';
export { sandboxPool, type PoolCallOptions, type SandboxPool } from './pool.js';
export {
  PYTHON_GUARD,
  runInSandbox,
  startDeferredSandbox,
  startSandbox,
  type CallOptions,
  type DeferredSandbox,
  type Sandbox,
} from './sandbox.js';
export { codeEnvironment, spawnLimited, type LimitedProcess, type LimitedSpec } from './spawn-limited.js';
export { bundleConfinedTo } from './bundle-confinement.js';
export { bundleTypeScript } from './typescript-bundle.js';
export * from './types.js';
export { warmSandboxes, type WarmRun, type WarmShape } from './warm.js';
