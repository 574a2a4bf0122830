import { ApiError } from '../../api/client';
import type { ScenarioProblem } from '../../api/types';

/** The problems a refused save listed (`details.problems` of its 400), none for any other error. */
export function scenarioProblems(error: unknown): ScenarioProblem[] {
  if (!(error instanceof ApiError) || error.status !== 400) return [];
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  return Array.isArray(problems) ? (problems as ScenarioProblem[]) : [];
}

/**
 * Every problem of a refused save, each saying where it is (the summary under the form), or
 * the problems of one trigger, step or reporter beside it (`inItem`: without the "Step 2" prefix).
 */
export function ProblemList({
  problems,
  title,
  inItem = false,
}: {
  problems: ScenarioProblem[];
  title?: string;
  inItem?: boolean;
}) {
  if (problems.length === 0) return null;
  return (
    <div className="alert error" role={inItem ? undefined : 'alert'}>
      {title ? <strong>{title}</strong> : null}
      <ul className="problem-list">
        {problems.map((p, i) => (
          <li key={i}>{inItem ? p.message : `${p.where}: ${p.message}`}</li>
        ))}
      </ul>
    </div>
  );
}
