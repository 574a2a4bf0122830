/** `2022-03-17T16:00` (what a datetime-local input shows) ↔ ISO, in the browser's time zone. */
const toLocalInput = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
};

const RANGES: { label: string; hours: number }[] = [
  { label: '6 h', hours: 6 },
  { label: '24 h', hours: 24 },
  { label: '3 days', hours: 72 },
  { label: '7 days', hours: 168 },
];

/** The time range: a moving "last N hours" window (`hours`, null for a fixed range) or fixed from/to, and a refresh. */
export function RangeBar({
  hours,
  range,
  setParam,
  onRefresh,
}: {
  hours: number | null;
  range: { from: string; to: string };
  setParam: (updates: Record<string, string | null>) => void;
  onRefresh: () => void;
}) {
  return (
    <div className="filter-bar" role="group" aria-label="Range and filters">
      <span className="small muted">Range</span>
      {RANGES.map((r) => (
        <button
          key={r.hours}
          type="button"
          className={`btn small${hours === r.hours ? ' primary' : ''}`}
          onClick={() => setParam({ hours: String(r.hours), from: null, to: null })}
        >
          Last {r.label}
        </button>
      ))}
      <label className="row small gap-1">
        From
        <input
          type="datetime-local"
          aria-label="From"
          value={toLocalInput(range.from)}
          onChange={(e) => e.target.value && setParam({ from: new Date(e.target.value).toISOString(), to: range.to })}
        />
      </label>
      <label className="row small gap-1">
        To
        <input
          type="datetime-local"
          aria-label="To"
          value={toLocalInput(range.to)}
          onChange={(e) => e.target.value && setParam({ to: new Date(e.target.value).toISOString(), from: range.from })}
        />
      </label>
      <button type="button" className="btn small" onClick={onRefresh} aria-label="Refresh">
        ⟳ Refresh
      </button>
    </div>
  );
}
