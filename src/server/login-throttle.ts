import { TooManyRequests } from '../common/errors.js';

/**
 * Slows password guessing: after `limit` failed logins for one username from one address
 * within `windowMs`, further attempts are refused (429) until the window has passed. A
 * success clears the count. Kept in memory: a restart forgets it, which is acceptable for a
 * throttle (passwords themselves are argon2id hashes, costly to test offline).
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 5 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  /** Throws 429 when this key has failed too often lately, with the seconds until the oldest failure expires. */
  check(key: string): void {
    const recent = this.recent(key);
    if (recent.length >= this.limit) {
      const waitS = Math.ceil((recent[0] + this.windowMs - this.now()) / 1000);
      throw new TooManyRequests('too_many_attempts', `Too many failed logins; try again in ${waitS} s`, waitS);
    }
  }

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), this.now()]);
    // Bound memory under a spray of usernames.
    if (this.failures.size > 10_000) this.failures.delete(this.failures.keys().next().value!);
  }

  succeed(key: string): void {
    this.failures.delete(key);
  }
}
