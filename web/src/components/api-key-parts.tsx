/** Parts of the personal (/account) and project API-key pages: the expiry choice and the secret shown once. */

export function ExpiresSelect({ value, onChange }: { value: string; onChange: (days: string) => void }) {
  return (
    <select aria-label="Expires" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="7">Expires in 7 days</option>
      <option value="30">Expires in 30 days</option>
      <option value="90">Expires in 90 days</option>
      <option value="365">Expires in a year</option>
      <option value="">Never expires</option>
    </select>
  );
}

export function CreatedKeySecret({ created }: { created: { name: string; key?: string } | null }) {
  if (!created?.key) return null;
  return (
    <div className="alert success" role="status">
      Key <strong>{created.name}</strong> created. Copy it now, it is shown only once:
      <pre className="log mt-3" aria-label="Secret of the new API key">
        {created.key}
      </pre>
    </div>
  );
}
