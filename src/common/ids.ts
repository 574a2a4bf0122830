import { randomBytes, randomUUID, createHash } from 'node:crypto';

export const newId = (): string => randomUUID();

/** A short sortable id for jobs and runs: time prefix plus randomness, e.g. `20261128T2330-ab12cd`. */
export function newTimeId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').slice(0, 15);
  return `${stamp}-${randomBytes(4).toString('hex')}`;
}

/** A secret token (sessions, API keys). Only its SHA-256 is stored. */
export const newSecret = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export const nowIso = (): string => new Date().toISOString();
