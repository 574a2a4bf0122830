import type { BootReport } from '../app/start-workspace.js';

/**
 * What to print when this command created the `admin` user of a fresh workspace, or null. Any
 * command may be the first to open a workspace, so each prints it (the CLI's on stderr, keeping
 * `--json` output clean); a generated password is never stored anywhere else. `passwordReplaced`:
 * the command goes on to set admin's password, so the first one is not worth printing.
 */
export function adminNotice(boot: BootReport, options: { passwordReplaced?: boolean } = {}): string | null {
  if (!boot.adminCreated) return null;
  // `llano user set-password admin` on a new workspace: the first password is gone before anyone could use it.
  if (options.passwordReplaced) return 'First start: created user admin, with the password this command sets\n';
  // A chosen password is never echoed: it may sit in a shell history, not in a log too.
  if (boot.adminPassword === null) return 'First start: created user admin with the password of LLANO_ADMIN_PASSWORD\n';
  return (
    `First start: log in as admin with password ${boot.adminPassword}\n` +
    '(shown once; set LLANO_ADMIN_PASSWORD to choose it on a new workspace, or change it with `llano user set-password admin`)\n'
  );
}
