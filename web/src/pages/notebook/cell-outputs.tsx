import type { CellOutput } from '../../api/types';
import { EChart } from '../../components/echart';
import { RowsGrid } from '../../components/rows-grid';

/** What a cell showed: printed text, values, tables (the dataset grid), charts (ECharts), images and errors with their traceback. */
export function CellOutputs({ outputs, label }: { outputs: CellOutput[]; label: string }) {
  if (!outputs.length) return null;
  return (
    <div className="cell-outputs" aria-label={`Output of ${label}`} role="region">
      {outputs.map((o, i) => {
        switch (o.type) {
          case 'text':
            return (
              <pre key={i} className={`cell-text${o.stream === 'stderr' ? ' stderr' : ''}`}>
                {o.text}
              </pre>
            );
          case 'table':
            return (
              <RowsGrid
                key={i}
                columns={o.columns.map((c) => c.name)}
                types={o.columns.map((c) => c.type)}
                rows={o.rows}
                total={o.total}
                label={`Table of ${label}`}
              />
            );
          case 'chart':
            return <EChart key={i} option={o.option} className="chart cell-chart" ariaLabel={`Chart of ${label}`} />;
          case 'image':
            return (
              <img
                key={i}
                className="cell-image"
                // Jupyter's text alternative (e.g. "<Figure size 640x480 with 1 Axes>") says a little more.
                alt={o.text ? `Image of ${label}: ${o.text}` : `Image of ${label}`}
                src={
                  o.mime === 'image/svg+xml'
                    ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(o.data)}`
                    : `data:${o.mime};base64,${o.data}`
                }
              />
            );
          case 'error':
            return (
              <div key={i} className="cell-error" role="alert">
                <strong>
                  {o.name}: {o.message}
                </strong>
                {o.traceback ? <pre>{o.traceback}</pre> : null}
              </div>
            );
        }
      })}
    </div>
  );
}
