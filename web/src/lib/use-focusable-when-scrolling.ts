import { useEffect, type RefObject } from 'react';

/**
 * Makes a box a keyboard stop only while its content overflows it, so keyboard users can
 * scroll it (WCAG: scrollable regions must be focusable) without a useless tab stop on every
 * table that fits.
 */
export function useFocusableWhenScrolling(ref: RefObject<HTMLElement | null>): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (scrolls) el.setAttribute('tabindex', '0');
      else el.removeAttribute('tabindex');
    };
    const observer = new ResizeObserver(update);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    update();
    return () => observer.disconnect();
  }, [ref]);
}
