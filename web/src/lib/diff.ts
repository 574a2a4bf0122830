export interface DiffLine {
  kind: 'same' | 'add' | 'del';
  text: string;
}

/**
 * Line diff by longest common subsequence; objects in the catalog are small JSON
 * documents, so the quadratic table is fine (falls back to "all removed, all added"
 * beyond a few thousand lines).
 */
export function diffLines(before: string, after: string): DiffLine[] {
  const a = before ? before.split('\n') : [];
  const b = after ? after.split('\n') : [];
  if (a.length * b.length > 4_000_000)
    return [...a.map((text) => ({ kind: 'del' as const, text })), ...b.map((text) => ({ kind: 'add' as const, text }))];
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push({ kind: 'same', text: a[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) out.push({ kind: 'del', text: a[i++] });
    else out.push({ kind: 'add', text: b[j++] });
  }
  while (i < n) out.push({ kind: 'del', text: a[i++] });
  while (j < m) out.push({ kind: 'add', text: b[j++] });
  return out;
}

/** Stable JSON for comparing revisions: keys sorted so reordering is not a change. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v && typeof v === 'object')
      return Object.fromEntries(
        Object.keys(v)
          .sort()
          .map((k) => [k, sort((v as Record<string, unknown>)[k])]),
      );
    return v;
  };
  return value === null || value === undefined ? '' : JSON.stringify(sort(value), null, 2);
}

/**
 * A revision as text to diff: canonical JSON, except that multi-line strings (SQL, scripts)
 * come after it as plain lines under their field name, so a changed query line is one
 * changed line instead of one changed escaped string.
 */
export function revisionText(value: unknown): string {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return canonicalJson(value);
  const fields = value as Record<string, unknown>;
  const multiline = Object.keys(fields)
    .filter((k) => typeof fields[k] === 'string' && fields[k].includes('\n'))
    .sort();
  if (!multiline.length) return canonicalJson(value);
  const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => !multiline.includes(k)));
  return [canonicalJson(rest), ...multiline.map((k) => `\n${k}:\n${fields[k] as string}`)].join('\n');
}
