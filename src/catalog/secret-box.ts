import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, linkSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { badRequest, LlanoError } from '../common/errors.js';

/**
 * A stored secret starts with this, then base64url of IV (12 bytes), GCM tag (16) and ciphertext.
 * A value without it is a plain one written before secrets were encrypted: it reads as it is
 * (and the start-up pass, `ObjectStore.sealStoredSecrets`, encrypts it). The version names the
 * format, so another one can be read beside it later.
 */
export const SEALED_PREFIX = 'llano-sealed:v1:';
/** The key file in the workspace home, made at the first secret saved when LLANO_SECRET_KEY is unset. */
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** 32 bytes as 64 hex digits or as base64 (`openssl rand -base64 32`). */
function parseKey(text: string, where: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  if (key.length !== KEY_BYTES)
    throw badRequest(
      `${where} must be ${KEY_BYTES} bytes, as 64 hex digits or base64 (openssl rand -base64 ${KEY_BYTES})`,
    );
  return key;
}

/**
 * Encrypts secrets at rest in the catalog (connection passwords, scenario tokens and reporter
 * secrets): AES-256-GCM, a fresh IV per value, so the catalog (a SQLite file, a PostgreSQL database
 * and its backups) holds no secret in the clear. The key is LLANO_SECRET_KEY, or else the file
 * `secret.key` in the workspace home (0600), made at the first secret saved: servers sharing a
 * catalog share the home, so they read one key file; the first to make it wins (a hard link
 * cannot replace a file) and the others read it.
 */
export class SecretBox {
  private key: Buffer | null = null;

  constructor(private readonly options: { home: string; secretKey?: string }) {
    if (options.secretKey !== undefined) this.key = parseKey(options.secretKey, 'LLANO_SECRET_KEY');
  }

  private get keyFile(): string {
    return path.join(this.options.home, SECRET_KEY_FILE);
  }

  /** Where the key comes from, as errors name it. */
  private get keySource(): string {
    return this.options.secretKey !== undefined ? 'LLANO_SECRET_KEY' : `the key file ${this.keyFile}`;
  }

  /** The key; made in the home when `create` and there is none yet, else null when there is none. */
  private keyOf(create: boolean): Buffer | null {
    if (this.key) return this.key;
    if (!existsSync(this.keyFile)) {
      if (!create) return null;
      const made = `${this.keyFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
      writeFileSync(made, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600 });
      try {
        linkSync(made, this.keyFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      } finally {
        unlinkSync(made);
      }
    }
    this.key = parseKey(readFileSync(this.keyFile, 'utf8'), this.keyFile);
    return this.key;
  }

  isSealed(value: string): boolean {
    return value.startsWith(SEALED_PREFIX);
  }

  seal(plain: string): string {
    const key = this.keyOf(true) as Buffer;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const text = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), text]).toString('base64url');
  }

  /**
   * The plain value of a stored one (`owner` names whose it is: "connection ops in project DE").
   * Without the key, or with another key than the one it was sealed with, an error says so:
   * GCM's tag check means a wrong key never yields garbage.
   */
  open(value: string, owner: string): string {
    if (!this.isSealed(value)) return value;
    const key = this.keyOf(false);
    if (!key)
      throw new LlanoError(
        'secret_key_missing',
        500,
        `${owner}: its secrets are encrypted, but this server has no key: set LLANO_SECRET_KEY, or put back ${this.keyFile}`,
      );
    try {
      const raw = Buffer.from(value.slice(SEALED_PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new LlanoError(
        'secret_key_wrong',
        500,
        `${owner}: its secrets cannot be decrypted with ${this.keySource}: they were encrypted with another key (set LLANO_SECRET_KEY, or the home's ${SECRET_KEY_FILE}, to the key of the server that saved them)`,
      );
    }
  }
}
