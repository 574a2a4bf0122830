import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { z } from 'zod';
import { badRequest } from '../../common/errors.js';
import { requireCapability } from '../../connectors/registry.js';
import { getConnection } from '../../datasets/connections.js';
import type { Workspace } from '../../workspace/workspace.js';
import { pollSeconds } from './common.js';
import { defineTrigger } from './define-trigger.js';

const params = z.object({
  connection: z.string().min(1).describe('A filesystem connection of the project'),
  path: z.string().min(1).describe('File path under the connection'),
  everySeconds: pollSeconds,
});
type FileParams = z.infer<typeof params>;

async function fileOf(ws: Workspace, projectKey: string, p: FileParams): Promise<string> {
  const conn = await getConnection(ws, projectKey, p.connection).catch(() => {
    throw badRequest(`connection ${p.connection} does not exist in project ${projectKey}`);
  });
  const { can: files, settings } = requireCapability(conn, 'files');
  return files.resolve(settings, p.path);
}

/** Polls an external file's SHA-256; a changed checksum fires (a missing file counts as a state too). */
export const fileChangedTrigger = defineTrigger('file-changed', {
  label: 'File changed',
  kind: 'poll',
  params,
  examples: [
    {
      title: 'Run when the weather station drops a new export',
      params: { connection: 'site_files', path: 'weather/latest.csv', everySeconds: 300 },
    },
  ],
  async validate(ctx, p) {
    await fileOf(ctx.ws, ctx.projectKey, p);
  },
  describe: (p) => `file ${p.connection}:${p.path} changed`,
  pollEvery: (p) => p.everySeconds * 1000,
  async poll(ctx, p) {
    const file = await fileOf(ctx.ws, ctx.projectKey, p);
    if (!existsSync(file)) return 'missing';
    const hash = createHash('sha256');
    for await (const chunk of createReadStream(file, { signal: ctx.signal })) hash.update(chunk as Buffer);
    return `sha256:${hash.digest('hex')}`;
  },
});
