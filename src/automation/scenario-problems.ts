import { badRequest, type LlanoError } from '../common/errors.js';

export type ScenarioSection = 'triggers' | 'steps' | 'reporters';

/** How people name an item of a section: "Step 2 (build)". */
export const SECTION_NOUNS: Record<ScenarioSection, string> = {
  triggers: 'Trigger',
  steps: 'Step',
  reporters: 'Reporter',
};

/**
 * One thing wrong with a scenario and where it is: the API's 400 lists them all (in
 * `details.problems`) and the editor shows each beside its trigger, step or reporter.
 */
export interface ScenarioProblem {
  /** As people read it: `Step 2 (build)`, `Trigger 1`, `Triggers`, `Scenario`. */
  where: string;
  /** The list the problem is in; absent for the scenario's own fields. */
  section?: ScenarioSection;
  /** The item's number in its list, from 1; absent for the list as a whole. */
  number?: number;
  /** The field at fault (`targets`, `to.0`), when one is known. */
  field?: string;
  /** What is wrong, naming the field as the form titles it: `Targets: expected array`. */
  message: string;
}

const sentence = (p: ScenarioProblem) => `${p.where}: ${p.message}`;
const ORDER: (ScenarioSection | undefined)[] = [undefined, 'triggers', 'steps', 'reporters'];
/** The scenario's own fields first, then each list in the editor's order, a list as a whole before its items. */
const position = (p: ScenarioProblem) => ORDER.indexOf(p.section) * 1e6 + (p.number ?? 0);

/** A 400 saying every problem, in the order of the form: one alone as it always read, several counted and joined. */
export function invalidScenario(found: ScenarioProblem[]): LlanoError {
  const problems = [...found].sort((a, b) => position(a) - position(b));
  const message =
    problems.length === 1
      ? sentence(problems[0])
      : `${problems.length} problems in the scenario: ${problems.map(sentence).join('; ')}`;
  return badRequest(message, { problems });
}
