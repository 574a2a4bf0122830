import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { useLatest } from './use-latest';
import { useWarnBeforeUnload } from './use-warn-before-unload';

/**
 * While `dirty`, leaving the page asks first: a click on a link of the app (sidebar, tabs,
 * breadcrumbs) is held until `ask` confirms, and reloading or closing the tab gets the
 * browser's own warning. `ask` is usually `useConfirm().ask`, with its dialog rendered by the page.
 */
export function useUnsavedChangesGuard(
  dirty: boolean,
  ask: (o: { title: string; body: string; confirm: string; danger?: boolean }) => Promise<boolean>,
  what = 'your changes',
): void {
  const navigate = useNavigate();
  const latest = useLatest({ dirty, ask, what, navigate });
  useWarnBeforeUnload(dirty);
  useEffect(() => {
    // The capture phase runs before React Router's own click handler on the link.
    const onClick = (e: MouseEvent) => {
      const { dirty: isDirty, ask: confirm, what: changes, navigate: go } = latest.current;
      if (!isDirty || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      const link = (e.target as Element | null)?.closest?.('a[href]');
      if (!(link instanceof HTMLAnchorElement) || link.target === '_blank' || link.hasAttribute('download')) return;
      const url = new URL(link.href, window.location.href);
      if (url.origin !== window.location.origin) return;
      const to = url.pathname + url.search + url.hash;
      if (to === window.location.pathname + window.location.search + window.location.hash) return;
      e.preventDefault();
      e.stopPropagation();
      void confirm({
        title: 'Leave without saving?',
        body: `You have unsaved changes: ${changes} will be lost if you leave this page.`,
        confirm: 'Leave without saving',
        danger: true,
      }).then((ok) => {
        if (ok) void go(to);
      });
    };
    document.addEventListener('click', onClick, true);
    return () => document.removeEventListener('click', onClick, true);
  }, [latest]);
}
