import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { api, projectApi } from '../api/client';
import type { InsightInfo } from '../api/types';
import { useConfirm } from '../components/confirm-dialog';
import { projectPath } from '../components/layout';

/**
 * Save and Delete of an insight's editor (the chart builder and the other types' form): the
 * error and notice they show, and the confirmation dialog. "Saved revision 1." of a new insight
 * survives the move to its own address.
 */
export function useInsightActions(projectKey: string, stored: { data?: InsightInfo | null; reload(): void } | null) {
  const navigate = useNavigate();
  const location = useLocation();
  const confirm = useConfirm();
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);

  async function save(body: { id: string }, isNew: boolean) {
    setError(null);
    try {
      const saved = isNew
        ? await api.post<InsightInfo>(projectApi(projectKey, 'insights'), body)
        : await api.put<InsightInfo>(projectApi(projectKey, 'insights', body.id), {
            ...body,
            revision: stored?.data?.revision,
          });
      const text = `Saved revision ${saved.revision}.`;
      setNotice(text);
      if (isNew)
        void navigate(projectPath(projectKey, 'insights', saved.id), { replace: true, state: { notice: text } });
      else stored?.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function remove(id: string, label: string) {
    const ok = await confirm.ask({
      title: `Delete the insight ${label}?`,
      body: 'Dashboards showing it lose that tile; its history stays.',
      confirm: 'Delete insight',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(projectApi(projectKey, 'insights', id));
      void navigate(projectPath(projectKey, 'dashboards'));
    } catch (e) {
      setError(e);
    }
  }

  return { error, setError, notice, setNotice, save, remove, dialog: confirm.dialog };
}
