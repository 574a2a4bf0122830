import type { Dataset } from '../../api/types';
import type { Choices, Suggestions } from '../../components/schema-form';
import { isNumeric } from '../../components/data-grid/columns';

/** What a step's form picks from beyond the scenario-wide names: selects (`choices`) and pickers (`suggestions`). */
export interface FieldOptions {
  choices: Choices;
  suggestions: Suggestions;
}

/**
 * The detect-online step's fields, like the analysis recipe forms: the datasets it reads are
 * selects of the project's datasets, its output a combobox (a new name, or a dataset it may
 * write: managed, written by no recipe), the order and value columns selects of the chosen
 * dataset's columns (the value among the numeric ones), group-by and reset keys column pickers.
 * Column fields stay free text until the dataset is chosen (or while it has no data yet).
 */
export function stepFieldOptions(item: Record<string, unknown>, datasets: Dataset[]): FieldOptions | undefined {
  if (item.type !== 'detect-online') return undefined;
  const names = datasets.map((d) => d.name);
  const columnsOf = (name: unknown) => datasets.find((d) => d.name === name)?.columns ?? [];
  const input = columnsOf(item.dataset);
  const reset = columnsOf(item.resetDataset);
  const choices: Choices = { dataset: names, resetDataset: names };
  const suggestions: Suggestions = {
    output: datasets
      .filter(
        (d) => d.storage.type === 'managed' && !d.producedBy && d.name !== item.dataset && d.name !== item.resetDataset,
      )
      .map((d) => d.name),
  };
  if (input.length) {
    choices.orderBy = input.map((c) => c.name);
    choices.column = input.filter((c) => isNumeric(c.type)).map((c) => c.name);
    suggestions.groupBy = input.map((c) => c.name);
  }
  if (reset.length) {
    choices.resetTime = reset.map((c) => c.name);
    suggestions.resetKeys = reset.map((c) => c.name);
  }
  return { choices, suggestions };
}
