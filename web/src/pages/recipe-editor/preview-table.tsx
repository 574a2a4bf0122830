import { Table, type Column } from '../../components/table';
import { EmptyState } from '../../components/ui';
import { formatCell } from '../../lib/format';

export interface Preview {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  truncated: boolean;
  durationMs: number;
  /** Inputs kept in a database connection, read through their first rows only. */
  sampled?: { inputs: string[]; rowsPerInput: number };
}

/** The first rows the recipe's SQL returns, with the columns' types. */
export function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <section className="card" aria-label="Preview">
      <div className="card-header">
        <h2>Preview</h2>
        <span className="small muted">
          {preview.rows.length}
          {preview.truncated ? '+' : ''} rows · {preview.durationMs} ms
          {preview.sampled
            ? ` · over the first ${preview.sampled.rowsPerInput.toLocaleString('en')} rows of ${preview.sampled.inputs.join(', ')}`
            : ''}
        </span>
      </div>
      {/* Focusable: the rows scroll, and keyboard users must be able to scroll them (axe scrollable-region-focusable). */}
      <div className="card-body flush preview-body" tabIndex={0} role="group" aria-label="Preview rows">
        {preview.rows.length === 0 ? (
          <EmptyState title="The query returns no rows" />
        ) : (
          <Table
            small
            rows={preview.rows}
            rowKey={(_, i) => i}
            columns={preview.columns.map((c, j): Column<unknown[]> => ({
              header: (
                <>
                  {c.name} <span className="mono muted col-type">{c.type}</span>
                </>
              ),
              id: String(j),
              className: (r) => (typeof r[j] === 'number' ? 'num' : undefined),
              cell: (r) => (r[j] === null ? <span className="muted">null</span> : formatCell(r[j], c.type)),
            }))}
          />
        )}
      </div>
    </section>
  );
}
