import type { Command } from 'commander';
import type { SharedItem } from '../../catalog/share-types.js';
import { print, withClient } from '../command-kit.js';
import type { CommandModule } from './index.js';

/** `llano shared`: the dashboards and webapps shared with you in projects you are not a member of. */
export const sharedCommands: CommandModule = (program, io) => {
  program
    .command('shared')
    .description('Dashboards and webapps shared with you (directly or through a group) beyond your projects')
    .action(async (_o, cmd: Command) =>
      withClient(io, cmd, async (c, g) => {
        const items = await c.request<SharedItem[]>('GET', '/api/shared');
        if (items.length === 0 && !g.json) {
          io.out('Nothing is shared with you beyond your projects\n');
          return;
        }
        print(io, g, items, {
          columns: ['project', 'kind', 'id', 'name', 'shared by', 'updated'],
          rows: (x: SharedItem) => [x.project, x.kind, x.id, x.name, x.sharedBy ?? '', x.updatedAt],
        });
      }),
    );
};
