import { describe, expect, it } from 'vitest';
import { headerColumns, uploadImpact } from './upload-impact';

describe('what an upload under an existing name changes', () => {
  it('reads the header of CSV and TSV files, with quotes, and nothing of Parquet', () => {
    expect(headerColumns('antenna,"band, GHz",trec_k\nDA41,3,40', 'x.csv')).toEqual(['antenna', 'band, GHz', 'trec_k']);
    expect(headerColumns('a\tb\r\n1\t2', 'x.tsv')).toEqual(['a', 'b']);
    expect(headerColumns('a;b;c\n', 'x.csv')).toEqual(['a', 'b', 'c']);
    expect(headerColumns('PAR1…', 'x.parquet')).toBeNull();
  });

  it('lists the columns gone and new, the readers, and the readers whose SQL names a column that goes', () => {
    const recipes = [
      { name: 'by_antenna', inputs: ['temps'], sql: 'SELECT antenna, avg(trec_k) FROM temps GROUP BY antenna' },
      { name: 'counts', inputs: ['temps'], sql: 'SELECT count(*) FROM temps' },
      { name: 'other', inputs: ['weather'], sql: 'SELECT trec_k FROM weather' },
    ];
    expect(uploadImpact('temps', ['antenna', 'trec_k'], ['antenna', 'trec'], recipes)).toEqual({
      added: ['trec'],
      removed: ['trec_k'],
      readers: ['by_antenna', 'counts'],
      breaks: ['by_antenna'],
    });
    // A column named as part of a longer name is not a mention.
    expect(
      uploadImpact('temps', ['trec'], ['x'], [{ name: 'r', inputs: ['temps'], sql: 'SELECT trec_k' }]).breaks,
    ).toEqual([]);
    expect(uploadImpact('temps', ['a'], null, recipes)).toEqual({
      added: null,
      removed: null,
      readers: ['by_antenna', 'counts'],
      breaks: [],
    });
  });
});
