import { useEffect, type RefObject } from 'react';

/**
 * Makes a box a keyboard stop only while its content overflows it, so keyboard users can
 * scroll it (WCAG: scrollable regions must be focusable) without a useless tab stop on every
 * table that fits. The content may be replaced after the box mounts (a tile's loading block by
 * its table), so the box's current first child is the one watched for size changes. A box that
 * mounts later than its component (a table shown once rows arrive) is found again when `mounted`
 * changes.
 */
export function useFocusableWhenScrolling(ref: RefObject<HTMLElement | null>, mounted: unknown = true): void {
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      const scrolls = el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
      if (scrolls) el.setAttribute('tabindex', '0');
      else el.removeAttribute('tabindex');
    };
    const resized = new ResizeObserver(update);
    let watched: Element | null = null;
    const watchContent = () => {
      if (watched === el.firstElementChild) return;
      if (watched) resized.unobserve(watched);
      watched = el.firstElementChild;
      if (watched) resized.observe(watched);
      update();
    };
    resized.observe(el);
    watchContent();
    const replaced = new MutationObserver(watchContent);
    replaced.observe(el, { childList: true });
    return () => {
      resized.disconnect();
      replaced.disconnect();
    };
  }, [ref, mounted]);
}
