/** The outcomes a scenario run can have, in the order the filters, legends and summaries list them. */
export const OUTCOMES = ['SUCCESS', 'WARNING', 'FAILED', 'ABORTED', 'RUNNING', 'QUEUED'];
