/** A check's name as the server gives it: its own, or "<type>:<column or metric>" (the types' default). */
export function checkName(c: { type: string; name?: string; column?: unknown; metric?: unknown }): string {
  if (c.name) return c.name;
  const on = c.column ?? c.metric;
  return typeof on === 'string' && on ? `${c.type}:${on}` : c.type;
}
