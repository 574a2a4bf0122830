import { existsSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every Linux build in use). */
export const CLOCK_TICKS = 100;

/**
 * The fields of /proc/<pid>/stat after the command name (so index 0 is the state letter, 11 and
 * 12 user and system time in clock ticks, 19 the start time), 'gone' when the process does not
 * exist, 'unknown' without a readable /proc (not Linux).
 */
export function procStatFields(pid: number): string[] | 'gone' | 'unknown' {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code === 'ENOENT' && existsSync('/proc/self/stat') ? 'gone' : 'unknown';
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * Whether a process is runnable ('R': running or waiting for a core) and the CPU time all its
 * threads have used, in ms; null when it is gone or /proc cannot tell.
 */
export function processActivity(pid: number): { runnable: boolean; cpuMs: number } | null {
  const fields = procStatFields(pid);
  if (typeof fields === 'string') return null;
  const ticks = Number(fields[11]) + Number(fields[12]);
  if (!Number.isFinite(ticks)) return null;
  return { runnable: fields[0] === 'R', cpuMs: (ticks * 1000) / CLOCK_TICKS };
}
