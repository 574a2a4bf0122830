import type { Workspace } from '../workspace/workspace.js';
import type { SandboxLimits } from './types.js';

/** The workspace's default limits for user code (LLANO_CODE_MEMORY_MB, …_WALL_SECONDS, …_CPU_SECONDS), with overrides. */
export function sandboxLimits(ws: Workspace, overrides: Partial<SandboxLimits> = {}): SandboxLimits {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return {
    memoryMb: ws.config.codeMemoryMb,
    wallSeconds: ws.config.codeWallSeconds,
    cpuSeconds: ws.config.codeCpuSeconds,
    outboundAllow: ws.config.outboundAllow,
    ...defined,
  };
}
