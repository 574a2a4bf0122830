/**
 * Reusable scratch memory for change-point searches. Segmenting thousands of series of a few
 * thousand points allocates (and later collects) a dozen typed arrays per series; passing
 * one workspace to {@link detectChangePoints} or the searches lets them reuse the same
 * buffers, growing them only when a longer series comes along.
 *
 * A workspace is not thread-safe and holds no result: everything a search returns is copied
 * out of it. Use one per loop (or per worker), never two calls at once.
 */
export class ChangePointWorkspace {
  private readonly floats: Float64Array[] = [];
  private readonly ints: Int32Array[] = [];

  /** A `Float64Array` view of `length` elements in slot `slot`; contents are left over from earlier use. */
  float64(slot: number, length: number): Float64Array {
    return take(this.floats, slot, length, (k) => new Float64Array(k));
  }

  /** An `Int32Array` view of `length` elements in slot `slot`; contents are left over from earlier use. */
  int32(slot: number, length: number): Int32Array {
    return take(this.ints, slot, length, (k) => new Int32Array(k));
  }
}

/** The workspace that calls without one share; see {@link sharedWorkspace}. */
let shared: WeakRef<ChangePointWorkspace> | undefined;

/**
 * The workspace of a call that was given none: kept from call to call, because each call
 * otherwise allocated and dropped some 20 buffers of n values (1.3 MB at n = 10⁴), and collecting
 * them made single calls timed one by one (bench/analytics.ts) a fifth to a quarter slower.
 * It is held weakly, so that the garbage collector can still take its buffers back (a long series
 * would otherwise keep them for good). It serves one call at a time: those calls run to the end
 * synchronously, and one that holds it hands it on explicitly to the searches it runs.
 */
export function sharedWorkspace(): ChangePointWorkspace {
  let workspace = shared?.deref();
  if (workspace === undefined) {
    workspace = new ChangePointWorkspace();
    shared = new WeakRef(workspace);
  }
  return workspace;
}

/** The first `length` elements of buffer `slot`, replacing it by a larger one when it is too short. */
function take<T extends Float64Array | Int32Array>(
  store: T[],
  slot: number,
  length: number,
  make: (capacity: number) => T,
): T {
  let buffer = store[slot];
  if (buffer === undefined || buffer.length < length) {
    buffer = make(grow(buffer === undefined ? 0 : buffer.length, length));
    store[slot] = buffer;
  }
  return (buffer.length === length ? buffer : buffer.subarray(0, length)) as T;
}

/** Capacity for a request: at least `needed`, at least 1.5× the old size so growth is amortised. */
function grow(old: number, needed: number): number {
  return Math.max(needed, Math.ceil(old * 1.5), 16);
}

/** Float slots used by the searches (one buffer each), so that callers can share one workspace. */
export const F64 = {
  normalised: 0,
  scratch: 1,
  sum: 2,
  sumSquares: 3,
  best: 4,
  values: 5,
  nodeFloor: 6,
  heapKey: 7,
  skippedKey: 8,
  leafValues: 9,
  clipped: 10,
  detrended: 11,
  candidate: 12,
  lowerBound: 13,
  nodeKey: 14,
  wanderCentred: 15,
  residuals: 23,
  reference: 24,
  spread: 25,
  exposure: 26,
  candidateExpiry: 27,
  nodeExpiry: 28,
} as const;

/** Integer slots used by the searches. */
export const I32 = {
  last: 0,
  candidates: 1,
  prunedFrom: 2,
  spare: 3,
  nodeFrom: 4,
  nodeTo: 5,
  nodeAnchor: 6,
  nodeLeft: 7,
  nodeRight: 8,
  nodeLevel: 9,
  nodePruned: 10,
  roots: 11,
  heapNode: 12,
  skippedNode: 13,
  leafStarts: 14,
  opened: 15,
  hot: 16,
  hotList: 17,
  nearList: 18,
} as const;
