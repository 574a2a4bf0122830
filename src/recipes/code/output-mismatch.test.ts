import { describe, expect, it } from 'vitest';
import { outputMismatch } from './output-mismatch.js';

/** DuckDB's error reading a CSV output (as DuckDB 1.x words it), shortened after the useful lines. */
const CSV_ERROR = new Error(
  'Conversion Error: CSV Error on Line: 3\nOriginal Line: 2,"x""y"\nError when converting column "t". Could not convert string "x""y" to \'DATE\'\n\nColumn t is being converted as type DATE\n  file = /srv/llano/data/P/.scratch/123-code/output\n',
);

describe('outputMismatch', () => {
  it('names the column, value and row, and whether the types were declared', () => {
    expect(outputMismatch(CSV_ERROR, true, true).message).toBe(
      'The code\'s output does not match its declared outputSchema: column t (DATE) got the value "x"y" in row 2',
    );
    const inferred = outputMismatch(CSV_ERROR, false, false);
    expect(inferred.message).toBe(
      'The code\'s output does not match the column types taken from the first rows it wrote: column t (DATE) got the value "x"y"; declare outputSchema to choose the types',
    );
    expect(inferred.status).toBe(400);
    expect(inferred.details).toEqual({ column: 't', value: 'x"y', type: 'DATE' });
  });

  it("words a JSON output's error without the internal file, and keeps another error's first line", () => {
    const json = new Error(
      'Invalid Input Error: JSON transform error in file "/srv/x/output", in line 2: Failed to cast value to numerical: "abc"\nTry setting',
    );
    expect(outputMismatch(json, true, true).message).toBe(
      'The code\'s output does not match its declared outputSchema in row 2: Failed to cast value to numerical: "abc"',
    );
    expect(outputMismatch(new Error('Binder Error: something\nmore'), true, true).message).toBe(
      "The code's output does not match its declared outputSchema: Binder Error: something",
    );
  });
});
