import { useCallback, useEffect, useState } from 'react';
import { useLocation } from 'react-router-dom';

/**
 * Open state of a navigation drawer (the project sidebar on narrow screens): it closes when
 * the user picks a page, and on Escape, as the menus of phones do.
 */
export function useDrawer(): { open: boolean; toggle: () => void; close: () => void } {
  const { pathname } = useLocation();
  // Open "at" a page: moving to another page closes it without an effect.
  const [openAt, setOpenAt] = useState<string | null>(null);
  const open = openAt === pathname;
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpenAt(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open]);
  const toggle = useCallback(() => setOpenAt((at) => (at === pathname ? null : pathname)), [pathname]);
  const close = useCallback(() => setOpenAt(null), []);
  return { open, toggle, close };
}
