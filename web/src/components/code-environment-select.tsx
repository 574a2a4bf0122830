import { projectApi } from '../api/client';
import type { CodeEnvironment } from '../api/types';
import { useApi } from '../lib/use-api';

/**
 * A select of the project's code environments of one language (project settings → Code
 * environments makes them); '' is the machine's interpreter with its packages. A value naming an
 * environment that is gone stays shown, so that saving does not silently change it.
 */
export function CodeEnvironmentSelect({
  projectKey,
  language,
  value,
  onChange,
  disabled,
  id,
  label,
}: {
  projectKey: string;
  language: CodeEnvironment['language'];
  value: string;
  onChange: (name: string) => void;
  disabled?: boolean;
  id: string;
  label: string;
}) {
  const environments = useApi<CodeEnvironment[]>(projectApi(projectKey, 'code-environments'));
  const ofLanguage = (environments.data ?? []).filter((e) => e.language === language);
  const missing = value !== '' && environments.data !== undefined && !ofLanguage.some((e) => e.name === value);
  return (
    <span className="inline-field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        <option value="">The machine’s (default)</option>
        {ofLanguage.map((e) => (
          <option key={e.name} value={e.name}>
            {e.name}
            {e.interpreter ? ` (${e.interpreter})` : ''}
          </option>
        ))}
        {missing ? <option value={value}>{value} (not found)</option> : null}
      </select>
    </span>
  );
}
