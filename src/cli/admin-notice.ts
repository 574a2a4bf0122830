import type { BootReport } from '../app/start-workspace.js';

/**
 * What to print when this command created the `admin` user of a fresh workspace, or null. Any
 * command may be the first to open a workspace, so each prints it (the CLI's on stderr, keeping
 * `--json` output clean); a generated password is never stored anywhere else.
 */
export function adminNotice(boot: BootReport): string | null {
  if (!boot.adminCreated) return null;
  // A chosen password is never echoed: it may sit in a shell history, not in a log too.
  if (boot.adminPassword === null) return 'First start: created user admin with the password of LLANO_ADMIN_PASSWORD\n';
  return (
    `First start: log in as admin with password ${boot.adminPassword}\n` +
    '(shown once; set LLANO_ADMIN_PASSWORD to choose it on a new workspace, or change it with `llano user set-password admin`)\n'
  );
}
