import { useState, type FormEvent } from 'react';
import { api, projectApi } from '../../api/client';
import type { ColumnSchema, PartitionDimension, Partitioning } from '../../api/types';
import { ActionButton, ReadOnlyNotice } from '../../components/can';
import { useConfirm } from '../../components/confirm-dialog';
import { Table } from '../../components/table';
import { CardSection, ErrorAlert, Notice } from '../../components/ui';
import { useCan } from '../../lib/use-can';

/** The periods a time dimension may have, as the API names them (src/datasets/partitioning.ts). */
const PERIODS = ['hour', 'day', 'month', 'year'] as const;
const TIME_TYPES = /^(DATE|TIMESTAMP)/;

/** A dimension name the API accepts, made from a column name. */
const nameOf = (column: string) => column.replace(/[^A-Za-z0-9_]/g, '_').replace(/^([^A-Za-z_])/, '_$1') || 'dim';

/** A new dimension: time on the first date/timestamp column not yet used, else discrete on the first free column. */
function newDimension(columns: ColumnSchema[], used: PartitionDimension[], hasTime: boolean): PartitionDimension {
  const free = columns.filter((c) => !used.some((d) => d.column === c.name));
  const time = hasTime ? undefined : free.find((c) => TIME_TYPES.test(c.type));
  if (time) return { name: nameOf(time.name), type: 'time', period: 'day', column: time.name };
  const column = free[0]?.name ?? '';
  return { name: nameOf(column), type: 'discrete', column };
}

/**
 * How the dataset is partitioned: a writer declares, changes or removes its dimensions (one
 * time dimension with a period, any discrete ones); others read them.
 */
export function PartitioningForm({
  projectKey,
  dataset,
  columns,
  partitioning,
  onChanged,
}: {
  projectKey: string;
  dataset: string;
  columns: ColumnSchema[];
  partitioning: Partitioning | null;
  onChanged: (p: Partitioning | null) => void;
}) {
  const can = useCan('write');
  const confirm = useConfirm();
  const [dims, setDims] = useState<PartitionDimension[]>(partitioning?.dimensions ?? []);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const url = projectApi(projectKey, 'datasets', dataset, 'partitioning');
  const dirty = JSON.stringify(dims) !== JSON.stringify(partitioning?.dimensions ?? []);
  const hasTime = dims.some((d) => d.type === 'time');

  const set = (i: number, d: PartitionDimension) => setDims(dims.map((x, n) => (n === i ? d : x)));
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      const saved = await api.put<Partitioning>(url, { dimensions: dims });
      setNotice(`Saved: ${dataset} is partitioned by ${saved.dimensions.map((d) => d.name).join(' × ')}.`);
      onChanged(saved);
    } catch (err) {
      setError(err);
    }
  };
  const remove = async () => {
    const ok = await confirm.ask({
      title: `Remove the partitioning of ${dataset}?`,
      body: (
        <>
          Its recipe then builds it whole; the build states of its partitions are forgotten. Its versions keep their
          data.
        </>
      ),
      confirm: 'Remove partitioning',
      danger: true,
    });
    if (!ok) return;
    setError(null);
    try {
      await api.del(url);
      setDims([]);
      setNotice(`${dataset} is no longer partitioned.`);
      onChanged(null);
    } catch (err) {
      setError(err);
    }
  };

  if (can.ok === false)
    return (
      <CardSection title="Partitioning">
        <ReadOnlyNotice can={can} what="the partitioning" />
        {partitioning ? (
          <Table
            small
            label="Partition dimensions"
            rows={partitioning.dimensions}
            rowKey={(d) => d.name}
            columns={[
              { header: 'Dimension', cell: (d) => d.name },
              { header: 'Kind', cell: (d) => (d.type === 'time' ? `time, by ${d.period}` : 'discrete') },
              { header: 'Column', cell: (d) => <span className="mono">{d.column}</span> },
            ]}
          />
        ) : (
          <p className="muted">This dataset is not partitioned.</p>
        )}
      </CardSection>
    );

  return (
    <CardSection title="Partitioning">
      {confirm.dialog}
      <p className="small muted">
        Partitions are built and checked one by one: by a time column (hour, day, month or year) and by any number of
        columns with a few distinct values (array, band…). A recipe reads its partition as{' '}
        <code>{'{{partition.NAME}}'}</code>.
      </p>
      <form className="stack" onSubmit={(e) => void save(e)} aria-label="Partition dimensions">
        {dims.length === 0 ? <p className="muted">Not partitioned. Add a dimension to partition it.</p> : null}
        {dims.map((d, i) => (
          <fieldset key={i} className="row plain-fieldset" aria-label={`Dimension ${i + 1}`}>
            <label className="field">
              Name
              <input className="input-s" value={d.name} onChange={(e) => set(i, { ...d, name: e.target.value })} />
            </label>
            <label className="field">
              Kind
              <select
                value={d.type}
                onChange={(e) =>
                  set(
                    i,
                    e.target.value === 'time'
                      ? { name: d.name, type: 'time', period: 'day', column: d.column }
                      : { name: d.name, type: 'discrete', column: d.column },
                  )
                }
              >
                <option value="time" disabled={hasTime && d.type !== 'time'}>
                  time
                </option>
                <option value="discrete">discrete</option>
              </select>
            </label>
            <label className="field">
              Column
              {columns.length ? (
                <select value={d.column} onChange={(e) => set(i, { ...d, column: e.target.value })}>
                  {columns.some((c) => c.name === d.column) ? null : <option value={d.column}>{d.column}</option>}
                  {columns.map((c) => (
                    <option key={c.name} value={c.name}>
                      {c.name}
                    </option>
                  ))}
                </select>
              ) : (
                <input
                  className="input-s"
                  value={d.column}
                  onChange={(e) => set(i, { ...d, column: e.target.value })}
                />
              )}
            </label>
            {d.type === 'time' ? (
              <label className="field">
                Period
                <select
                  value={d.period}
                  onChange={(e) => set(i, { ...d, period: e.target.value as (typeof PERIODS)[number] })}
                >
                  {PERIODS.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <button
              type="button"
              className="btn small ghost"
              aria-label={`Remove dimension ${d.name || i + 1}`}
              onClick={() => setDims(dims.filter((_, n) => n !== i))}
            >
              Remove
            </button>
          </fieldset>
        ))}
        <div className="row">
          <button
            type="button"
            className="btn small"
            disabled={dims.length >= 8}
            onClick={() => setDims([...dims, newDimension(columns, dims, hasTime)])}
          >
            Add dimension
          </button>
        </div>
        <div className="row">
          <ActionButton can={can} type="submit" className="btn primary" disabled={!dirty || dims.length === 0}>
            Save partitioning
          </ActionButton>
          {partitioning ? (
            <ActionButton can={can} className="btn danger" onClick={() => void remove()}>
              Remove partitioning
            </ActionButton>
          ) : null}
        </div>
        <ErrorAlert error={error} title="Could not change the partitioning" />
        <Notice text={notice} />
      </form>
    </CardSection>
  );
}
