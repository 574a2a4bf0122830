import type { BootReport } from '../app/start-workspace.js';
import type { Config } from '../common/config.js';

/**
 * What to print when this command created the `admin` user of a fresh workspace, or null. Any
 * command may be the first to open a workspace, so each prints it (the CLI's on stderr, keeping
 * `--json` output clean); a generated password is never stored anywhere else.
 */
export function adminNotice(boot: BootReport, config: Config): string | null {
  if (boot.adminPassword === null) return null;
  if (config.adminPassword !== undefined && boot.adminPassword === config.adminPassword) {
    return 'First start: created user admin with the password of LLANO_ADMIN_PASSWORD\n';
  }
  return (
    `First start: log in as admin with password ${boot.adminPassword}\n` +
    '(shown once; set LLANO_ADMIN_PASSWORD to choose it on a new workspace, or change it with `llano user set-password admin`)\n'
  );
}
