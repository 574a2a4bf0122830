import { firstOutput } from '../../common/recipe-outputs.js';
import { createHash } from 'node:crypto';
import { badRequest } from '../../common/errors.js';
import { resolveSource } from '../../datasets/datasets.js';
import { discoverPartitions } from '../../datasets/partition-discovery.js';
import {
  currentManifest,
  isPartitionedVersion,
  partitionAttempts,
  type ManifestEntry,
} from '../../datasets/partition-store.js';
import {
  impliedPartition,
  parsePartitionId,
  partitionMatches,
  PartitionDependenciesSchema,
  timeDimension,
  timeRange,
  type PartitionDependency,
  type Partitioning,
} from '../../datasets/partitioning.js';
import type { TableSource } from '../../engine/table-source.js';
import type { FingerprintMemo, RecipeBase } from '../../recipes/recipe-type.js';
import type { Workspace } from '../../workspace/workspace.js';
import { staleReason, type Signature, type StaleReason } from '../staleness.js';
import { currentSignature } from '../current-signature.js';

/**
 * What a partitioned build decides before running anything: which output partitions a target
 * selects, which input partitions each reads (its dependencies), and which are stale.
 */

/** An input as partitions see it. `available` is null for an unpartitioned input (read whole). */
export interface PartitionedInput {
  name: string;
  partitioning: Partitioning | null;
  source: TableSource;
  /** The whole dataset's identity (content hash, file size+mtime…). */
  wholeToken: string | null;
  /** Available partitions: id → their file (stored by partition) and identity. */
  available: Map<string, { location: string | null; token: string }> | null;
}

export interface PartitionState {
  output: string;
  partitioning: Partitioning;
  /** The recipe's signature, taken once before any partition runs (its parts name what changed). */
  signature: Signature;
  dependencies: Record<string, PartitionDependency>;
  inputs: PartitionedInput[];
  manifest: Map<string, ManifestEntry>;
  attempts: Awaited<ReturnType<typeof partitionAttempts>>;
}

/** One output partition's reads: per input, the source to give the recipe and the token recorded in lineage. */
export interface PartitionReads {
  sources: Record<string, TableSource>;
  tokens: Record<string, string>;
}

/** Reads what planning the partitions of `recipe`'s output needs: its inputs' partitions, its manifest and attempts. */
export async function loadPartitionState(
  ws: Workspace,
  projectKey: string,
  recipe: RecipeBase,
  partitionings: Map<string, Partitioning>,
  /** The build activity's fingerprint look-ups (see RecipeContext.fingerprintMemo). */
  fingerprints: FingerprintMemo = new Map(),
): Promise<PartitionState> {
  const partitioning = partitionings.get(firstOutput(recipe));
  if (!partitioning) throw badRequest(`Dataset ${firstOutput(recipe)} is not partitioned`);
  const inputs: PartitionedInput[] = [];
  for (const name of recipe.inputs) {
    const r = await resolveSource(ws, projectKey, name);
    const wholeToken = await r.versionToken();
    const p = partitionings.get(name) ?? null;
    let available: PartitionedInput['available'] = null;
    if (p && isPartitionedVersion(r.version)) {
      const entries = await currentManifest(ws, projectKey, name);
      available = new Map(
        entries.map((e) => [e.partitionId, { location: ws.resolve(e.location), token: e.contentHash ?? e.location }]),
      );
    } else if (p) {
      // Stored whole: partitions are the distinct dimension values; each reads the whole data (filtered by the recipe).
      const found = await discoverPartitions(ws.duck, r.source, p);
      available = new Map([...found.keys()].map((id) => [id, { location: null, token: wholeToken ?? 'none' }]));
    }
    inputs.push({ name, partitioning: p, source: r.source, wholeToken, available });
  }
  const deps = (recipe as { partitionDependencies?: unknown }).partitionDependencies;
  return {
    output: firstOutput(recipe),
    partitioning,
    signature: await currentSignature(ws, projectKey, recipe, fingerprints),
    dependencies: deps ? PartitionDependenciesSchema.parse(deps) : {},
    inputs,
    manifest: new Map((await currentManifest(ws, projectKey, firstOutput(recipe))).map((e) => [e.partitionId, e])),
    attempts: await partitionAttempts(ws, projectKey, firstOutput(recipe)),
  };
}

/**
 * The partitions a build could make: those the inputs imply (through `equals` and `time-range`
 * dependencies, when an input has every output dimension), plus those already built.
 */
export function knownPartitions(state: PartitionState): string[] {
  const ids = new Set(state.manifest.keys());
  for (const input of state.inputs) {
    const dep = state.dependencies[input.name] ?? { kind: 'equals' };
    if (!input.available || !input.partitioning || (dep.kind !== 'equals' && dep.kind !== 'time-range')) continue;
    for (const id of input.available.keys()) {
      const implied = impliedPartition(state.partitioning, {
        partitioning: input.partitioning,
        values: parsePartitionId(input.partitioning, id),
      });
      if (implied) ids.add(implied);
    }
  }
  return [...ids].sort();
}

/**
 * The output partitions a list of selectors names, in order, without duplicates:
 * ids; `FROM..TO` (time values of the time dimension; with other dimensions, the known
 * partitions in that range); `all` (known); `missing` (known, not built); `failed-since:DATE`
 * (whose last attempt failed on or after DATE). A bad selector is a 400 naming it.
 */
export function selectPartitions(state: PartitionState, selectors: string[]): string[] {
  const out = new Set<string>();
  const p = state.partitioning;
  let known: string[] | null = null;
  const knownIds = () => (known ??= knownPartitions(state));
  for (const s of selectors) {
    if (s === 'all') knownIds().forEach((id) => out.add(id));
    else if (s === 'missing') knownIds().forEach((id) => !state.manifest.has(id) && out.add(id));
    else if (s.startsWith('failed-since:')) {
      const since = s.slice('failed-since:'.length);
      if (Number.isNaN(Date.parse(since))) throw badRequest(`Partition selector ${s}: "${since}" is not a date`);
      const from = new Date(since).toISOString();
      for (const [id, a] of state.attempts) if (a.state === 'failed' && a.updatedAt >= from) out.add(id);
    } else if (s.includes('..')) {
      const time = timeDimension(p);
      if (!time) throw badRequest(`Partition range ${s}: dataset ${state.output} has no time dimension`);
      const [from, to] = s.split('..');
      for (const v of [from, to])
        if (!/^\d{4}(-\d{2}(-\d{2}(T\d{2})?)?)?$/.test(v) || v.length !== from.length)
          throw badRequest(`Partition range ${s}: give two ${time.period}s like 2024-10-01..2024-10-07`);
      let values: string[];
      try {
        values = timeRange(from, to, time.period, 100_000);
        parsePartitionId({ dimensions: [time] }, from);
      } catch (e) {
        throw badRequest(`Partition range ${s}: ${(e as Error).message}`);
      }
      if (p.dimensions.length === 1) values.forEach((v) => out.add(v));
      else {
        const at = p.dimensions.indexOf(time);
        for (const id of knownIds()) {
          const v = id.split('|')[at];
          if (v >= from && v <= to) out.add(id);
        }
      }
    } else {
      try {
        parsePartitionId(p, s);
      } catch (e) {
        throw badRequest(`Dataset ${state.output}: ${(e as Error).message}`);
      }
      out.add(s);
    }
  }
  return [...out];
}

/** Same dimension names, kinds and periods in the same order (columns may differ): partition ids then coincide. */
const dimensionsKey = (p: Partitioning) =>
  p.dimensions.map((d) => `${d.name}:${d.type === 'time' ? d.period : 'discrete'}`).join('|');
const sameDimensions = (a: Partitioning, b: Partitioning) => dimensionsKey(a) === dimensionsKey(b);

/** The input partitions output partition `id` reads, per its dependencies; throws an Error when one has none. */
export function partitionReads(state: PartitionState, id: string): PartitionReads {
  const values = parsePartitionId(state.partitioning, id);
  const sources: Record<string, TableSource> = {};
  const tokens: Record<string, string> = {};
  for (const input of state.inputs) {
    if (!input.available || !input.partitioning) {
      sources[input.name] = input.source;
      tokens[input.name] = input.wholeToken ?? 'none';
      continue;
    }
    const dep = state.dependencies[input.name] ?? { kind: 'equals' };
    let ids: string[];
    if (dep.kind === 'all') ids = [...input.available.keys()];
    else if (dep.kind === 'latest') ids = [...input.available.keys()].sort().slice(-1);
    else if (dep.kind === 'values') ids = dep.partitions.filter((v) => input.available!.has(v));
    else if (dep.kind === 'equals' && sameDimensions(input.partitioning, state.partitioning))
      ids = input.available.has(id) ? [id] : [];
    else {
      const out = { partitioning: state.partitioning, values };
      const inputPartitioning = input.partitioning;
      ids = [...input.available.keys()].filter((i) =>
        partitionMatches(out, { partitioning: inputPartitioning, values: parsePartitionId(inputPartitioning, i) }, dep),
      );
    }
    ids.sort();
    if (ids.length === 0) throw new Error(`Input ${input.name} has no partition for ${id} (dependency ${dep.kind})`);
    const files = ids.map((i) => input.available!.get(i)!);
    sources[input.name] = files.every((f) => f.location !== null)
      ? { kind: 'parquet', paths: files.map((f) => f.location!) }
      : input.source;
    const hash = createHash('sha256');
    ids.forEach((i, k) => hash.update(`${i}\t${files[k].token}\n`));
    tokens[input.name] = ids.length === 1 ? `${ids[0]}:${files[0].token}` : `sha256:${hash.digest('hex').slice(0, 32)}`;
  }
  return { sources, tokens };
}

/** Why a partition must be (re)built, or null when its data is up to date with what it would read. */
export function partitionStaleness(state: PartitionState, id: string, reads: PartitionReads): StaleReason {
  return staleReason(state.signature, state.manifest.get(id)?.lineage, reads.tokens);
}
