import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './login-throttle.js';

describe('LoginThrottle', () => {
  it('refuses after the limit within the window, forgets after it, and resets on success', () => {
    let now = 1_000_000;
    const t = new LoginThrottle(3, 60_000, () => now);
    for (let i = 0; i < 3; i++) {
      t.check('ip|alice');
      t.fail('ip|alice');
    }
    expect(() => t.check('ip|alice')).toThrow(/Too many failed logins; try again in 60 s/);
    now += 15_000;
    expect(() => t.check('ip|alice')).toThrow(expect.objectContaining({ status: 429, retryAfterSeconds: 45 }));
    now -= 15_000;
    expect(() => t.check('ip|bob')).not.toThrow();
    now += 60_001;
    expect(() => t.check('ip|alice')).not.toThrow();
    t.fail('ip|alice');
    t.succeed('ip|alice');
    t.fail('ip|alice');
    t.fail('ip|alice');
    expect(() => t.check('ip|alice')).not.toThrow();
  });
});
