import { ApiError } from '../api/client';
import type { ConfirmOptions } from '../components/confirm-dialog';

/**
 * Sends a request that saves a recipe; when the server refuses because the recipe's output holds
 * uploaded data or is an existing source table of a connection (409 `replaces_uploaded`; its
 * message names which), asks the user (`ask`, usually `useConfirm().ask`) and
 * sends it again with `replaceUploaded: true`. Declined, the server's refusal is thrown as it came.
 */
export async function confirmingReplaceUploaded<T>(
  send: (confirmation: { replaceUploaded?: true }) => Promise<T>,
  ask: (o: ConfirmOptions) => Promise<boolean>,
): Promise<T> {
  try {
    return await send({});
  } catch (e) {
    if (!(e instanceof ApiError && e.code === 'replaces_uploaded')) throw e;
    const datasets = (e.details as { datasets?: string[] } | undefined)?.datasets ?? [];
    const replace = await ask({
      title: `Replace the data of ${datasets.join(', ')}?`,
      // The server's sentence without its hint for API callers.
      body: e.message.replace(/ Confirm with .*$/, ''),
      confirm: 'Replace data',
      danger: true,
    });
    if (!replace) throw e;
    return send({ replaceUploaded: true });
  }
}
