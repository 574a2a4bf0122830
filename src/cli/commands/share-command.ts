import type { Command } from 'commander';
import type { ObjectShare } from '../../catalog/share-types.js';
import type { CliIo } from '../io.js';
import { enc, projectOf, withClient } from '../command-kit.js';

/**
 * `llano dashboard|webapp share ID WHO [--remove]`: adds or removes one viewer (a user or
 * group:NAME) of a shareable object. The object is read, its `sharing` list changed and the
 * whole object sent back, so its revision guards against a concurrent save.
 */
export function addShareCommand(parent: Command, io: CliIo, what: { noun: string; plural: string }): void {
  const title = what.noun.charAt(0).toUpperCase() + what.noun.slice(1);
  parent
    .command('share <id> <who>')
    .description(
      `Share a ${what.noun} as a viewer with a user or group:NAME beyond the project’s members (--remove: stop)`,
    )
    .option('--remove', 'stop sharing with them')
    .action(async (id: string, who: string, opts: { remove?: boolean }, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const url = `/api/projects/${projectOf(io, g)}/${what.plural}/${enc(id)}`;
        const stored = await c.request<{ sharing?: ObjectShare[] }>('GET', url);
        const others = (stored.sharing ?? []).filter((s) => s.with !== who);
        const sharing = opts.remove ? others : [...others, { with: who, role: 'viewer' as const }];
        const saved = await c.request<{ sharing?: ObjectShare[] }>('PUT', url, { ...stored, sharing });
        const list = (saved.sharing ?? []).map((s) => s.with).join(', ');
        io.out(`${title} ${id} is shared with ${list || 'no one beyond the project'}\n`);
      }),
    );
}
