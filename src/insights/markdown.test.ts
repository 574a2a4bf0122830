import { describe, expect, it } from 'vitest';
import { markdownToHtml } from './markdown.js';

describe('markdownToHtml', () => {
  it('puts # headings at the level given, ## one below, and escapes markup', () => {
    expect(markdownToHtml('# Shifts\n## Night\ntext <b>')).toBe(
      '<h3>Shifts</h3>\n<h4>Night</h4>\n<p>text &lt;b&gt;</p>',
    );
    expect(markdownToHtml('# Shifts\n## Night', 2)).toBe('<h2>Shifts</h2>\n<h3>Night</h3>');
  });
});
