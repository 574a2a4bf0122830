import { describe, expect, it } from 'vitest';
import { humanize } from './schema-form';

describe('labels of generated forms', () => {
  it('writes keys in sentence case, keeping acronyms', () => {
    expect(humanize('everyMinutes')).toBe('Every minutes');
    expect(humanize('dailyAt')).toBe('Daily at');
    expect(humanize('timeout_seconds')).toBe('Timeout seconds');
    expect(humanize('url')).toBe('URL');
    expect(humanize('webhookURL')).toBe('Webhook URL');
  });
});
