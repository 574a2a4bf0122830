import { hostname } from 'node:os';

/** This machine's name, recorded next to the process id of whoever runs a job, build or scenario. */
export const HOST = hostname();

/**
 * True when `owner` (a workspace process id, `<pid>-<start ms>`) names a process of this host
 * that no longer exists. Work of other hosts is never judged dead here: their processes cannot
 * be seen (scenario runs use a heartbeat for that).
 */
export function ownerIsDead(owner: string | null, ownerHost: string | null): boolean {
  if (!owner) return true;
  if ((ownerHost ?? HOST) !== HOST) return false;
  const pid = Number(owner.split('-')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return true;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
