import { useState } from 'react';
import { omit } from '../../../src/common/omit.js';
import { AUTO_BINS, TIME_UNITS } from '../../../src/insights/insight-types.js';
import type { ChartSpec } from '../api/types';
import { WholeNumberField } from './whole-number-field';

/** The most bins a dimension's `count` binning asks for. */
const MAX_BINS = 1000;

/** A chart dimension (x, colour or facet): its column and how its values are grouped. */
export type ChartDimension = NonNullable<ChartSpec['x']>;
type Binning = NonNullable<ChartDimension['bin']>;

const BINS = ['none', 'auto', 'width', 'count', ...TIME_UNITS] as const;
type Bin = (typeof BINS)[number];

function binOf(bin: Binning | undefined): Bin {
  if (!bin || bin.method === 'none') return 'none';
  if (bin.unit) return bin.unit;
  return bin.method;
}

/**
 * How a dimension's values are grouped: not at all, in automatic or fixed-width or counted
 * numeric bins, or by a period of a date. The same fields for x, the colour and the facet
 * column, each labelled with its role ("X binning", "Colour binning"…).
 */
export function DimensionBinning({
  role,
  dimension,
  readOnly,
  onChange,
}: {
  /** "X", "Colour", "Facet": the fields' labels start with it. */
  role: string;
  dimension: ChartDimension;
  readOnly: boolean;
  onChange: (bin: Binning | undefined) => void;
}) {
  const bin = dimension.bin;
  // The width typed last, kept while another binning is picked so that coming back restores it.
  const [width, setWidth] = useState(String(bin?.width ?? 10));
  // A width set from elsewhere (a stored chart loaded or reverted to) is shown; what is being typed
  // ('' or '2.' while typing 2.5) stays as typed while it means the same width.
  const given = bin?.method === 'width' && !bin.unit ? bin.width : undefined;
  // Adjusted while rendering, as React advises for state following a prop (no effect, no second paint).
  const [widthGiven, setWidthGiven] = useState(given);
  if (given !== widthGiven) {
    setWidthGiven(given);
    if (given !== undefined && (Number(width) || 1) !== given) setWidth(String(given));
  }
  const pick = (b: Bin) =>
    onChange(
      b === 'none'
        ? undefined
        : b === 'auto' || b === 'count'
          ? { method: b }
          : b === 'width'
            ? { method: 'width', width: Number(width) || 1 }
            : { method: 'width', unit: b },
    );
  return (
    <>
      <label className="field">
        <span>{role} binning</span>
        <select value={binOf(bin)} disabled={readOnly} onChange={(e) => pick(e.target.value as Bin)}>
          {BINS.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
      </label>
      {bin?.method === 'width' && !bin.unit ? (
        <label className="field">
          <span>{role} bin width</span>
          <input
            type="number"
            value={width}
            disabled={readOnly}
            onChange={(e) => {
              setWidth(e.target.value);
              onChange({ method: 'width', width: Number(e.target.value) || 1 });
            }}
          />
        </label>
      ) : null}
      {bin?.method === 'count' ? (
        <WholeNumberField
          label={`${role} bin count`}
          value={bin.count ?? AUTO_BINS}
          min={1}
          max={MAX_BINS}
          disabled={readOnly}
          onChange={(count) => onChange({ method: 'count', count })}
        />
      ) : null}
    </>
  );
}

/** `dimension` with `bin` set, or without one for "none". */
export const withBin = <D extends ChartDimension>(dimension: D, bin: Binning | undefined): D =>
  bin ? { ...dimension, bin } : (omit(dimension, 'bin') as D);
