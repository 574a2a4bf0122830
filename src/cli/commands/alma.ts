import path from 'node:path';
import type { Command } from 'commander';
import { formatJson, formatTable } from '../io.js';
import { parseFlags } from '../command-kit.js';
import type { CommandModule } from './index.js';

// zod and the simulator are loaded when the command runs, not for `llano --help`.
const simulateFlags = async () => {
  const { z } = await import('zod');
  return z.object({
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date YYYY-MM-DD')
      .optional(),
    days: z.coerce.number().int().min(1).max(20000).optional(),
    seed: z.coerce.number().int().default(42),
    out: z.string().min(1, 'give the output folder'),
    format: z.enum(['parquet', 'csv']).default('parquet'),
    spectra: z.boolean().default(false),
    scale: z.enum(['default', 'full']).default('default'),
    json: z.boolean().default(false),
  });
};

const fidelityFlags = async () => {
  const { z } = await import('zod');
  return z.object({
    start: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'use a date YYYY-MM-DD')
      .default('2024-10-01'),
    days: z.coerce.number().int().min(1).max(20000).default(365),
    seed: z.coerce.number().int().default(7),
    in: z.string().min(1).optional(),
    json: z.boolean().default(false),
  });
};

/** `llano alma …`: the observatory solution's tools. */
export const almaCommands: CommandModule = (program, io) => {
  const alma = program.command('alma').description('ALMA observatory tools');
  alma
    .command('simulate')
    .description(
      'Write simulated observatory tables (shifts, gaps, EBs, Trec, device changes, ground truth, job runs), one file per table',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option('--start <date>', 'first day, YYYY-MM-DD (default 2024-10-01)')
    .option('--days <n>', 'days to simulate (default 30; with --scale full, the full history)')
    .option('--seed <n>', 'random seed: the same seed gives the same bytes', '42')
    .option('--format <format>', 'parquet or csv', 'parquet')
    .option('--spectra', 'add a Trec spectrum to every measurement (table trec_spectrum)')
    .option(
      '--scale <scale>',
      "'full' reproduces the observatory's largest tables (~20 M Trec rows, ~790 000 × 2 spectra)",
      'default',
    )
    .action(async (_options: unknown, command: Command) => {
      // --json is the program-wide flag, so read the options together with the globals.
      const flags = parseFlags(await simulateFlags(), command.optsWithGlobals());
      const { simulate } = await import('../../alma/simulator/index.js');
      const out = path.resolve(io.cwd, flags.out);
      const started = Date.now();
      let lastDraw = 0;
      const result = await simulate(
        {
          start: flags.start,
          days: flags.days,
          seed: flags.seed,
          out,
          format: flags.format,
          spectra: flags.spectra,
          scale: flags.scale,
        },
        (p) => {
          if (!io.isTty || Date.now() - lastDraw < 200) return;
          lastDraw = Date.now();
          const what = p.phase === 'writing' ? `writing ${p.table}` : `day ${p.day}/${p.days}`;
          io.err(`\r${what}, ${p.trecRows.toLocaleString('en-US')} Trec rows   `);
        },
      );
      if (io.isTty) io.err('\r\x1b[K');
      const seconds = (Date.now() - started) / 1000;
      if (flags.json) {
        io.out(formatJson({ ...result, out, seconds }));
        return;
      }
      io.out(
        formatTable(
          ['table', 'rows', 'file'],
          result.tables.map((t) => [t.name, t.rows, path.relative(io.cwd, t.path) || t.path]),
        ),
      );
      io.out(`${result.days} days from ${result.start}, seed ${result.seed}, in ${seconds.toFixed(1)} s\n`);
    });
  alma
    .command('fidelity')
    .description(
      'Check simulated tables against the facts of docs/alma-domain.md (SQL in src/alma/fidelity/facts.ts); exits 1 when a sourced fact fails',
    )
    .option('--in <dir>', 'measure the tables already written in this folder instead of simulating')
    .option('--start <date>', 'first day, YYYY-MM-DD', '2024-10-01')
    .option('--days <n>', 'days to simulate (yearly facts need 365)', '365')
    .option('--seed <n>', 'random seed', '7')
    .action(async (_options: unknown, command: Command) => {
      const flags = parseFlags(await fidelityFlags(), command.optsWithGlobals());
      const { checkFidelity, checkFidelityOfFiles } = await import('../../alma/fidelity/check.js');
      const report = flags.in
        ? await checkFidelityOfFiles(path.resolve(io.cwd, flags.in))
        : await checkFidelity({ start: flags.start, days: flags.days, seed: flags.seed });
      if (flags.json) {
        io.out(
          formatJson({
            days: report.days,
            facts: report.facts.map(({ id, source, fact, expected, measured, ok }) => ({
              id,
              source,
              fact,
              expected,
              measured,
              ok,
            })),
          }),
        );
      } else {
        io.out(
          formatTable(
            ['fact', 'source', 'expected', 'measured', 'ok'],
            report.facts.map((f) => [
              f.id,
              f.source,
              f.expected,
              f.measured,
              f.ok === null ? 'n/a' : f.ok ? 'ok' : 'NOT',
            ]),
          ),
        );
      }
      if (report.failedSourceFacts.length > 0)
        throw new Error(
          `${report.failedSourceFacts.length} sourced fact(s) fail: ${report.failedSourceFacts.join(', ')}`,
        );
    });
};
