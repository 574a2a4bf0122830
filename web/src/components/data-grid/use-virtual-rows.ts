import { elementScroll, observeElementOffset, useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef, useState, type RefObject } from 'react';

// Row and header heights are also in components.css (.data-grid).
export const ROW_H = 28;
export const HEADER_H = 44;
/** Browsers cap element heights (~17M px in Firefox); taller virtual lists are scrolled at scale. */
const MAX_SCROLL_PX = 6_000_000;
/**
 * The virtualizer works on blocks of rows: it keeps one measurement per item, and ten
 * million of them would take seconds and hundreds of megabytes. Rows inside the visible
 * blocks are then clipped to the viewport.
 */
const BLOCK = 100;
const OVERSCAN_ROWS = 12;

/**
 * Which of `total` rows to render in the scroll element and where: the rows in view plus a
 * few, the height of the scrolled area (scaled down past what browsers allow), and a way to
 * bring a row into view from the keyboard.
 */
export function useVirtualRows(scrollRef: RefObject<HTMLDivElement | null>, total: number) {
  const [viewportH, setViewportH] = useState(600);
  useEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setViewportH(el.clientHeight));
    ro.observe(el);
    return () => ro.disconnect();
  }, [scrollRef]);

  const realHeight = total * ROW_H;
  const spacerH = Math.min(realHeight, MAX_SCROLL_PX);
  const scale =
    spacerH > 0 && realHeight > spacerH
      ? (HEADER_H + realHeight - viewportH) / Math.max(1, HEADER_H + spacerH - viewportH)
      : 1;
  const scaleRef = useRef(scale);
  scaleRef.current = scale;

  // This hook is not compiled by the React Compiler (the app does not use it); nothing here is memoized.
  // eslint-disable-next-line react-hooks/incompatible-library -- its functions are only called while rendering
  const virtualizer = useVirtualizer({
    count: Math.ceil(total / BLOCK),
    getScrollElement: () => scrollRef.current,
    estimateSize: (b) => Math.min(BLOCK, total - b * BLOCK) * ROW_H,
    overscan: 1,
    scrollMargin: HEADER_H,
    observeElementOffset: (instance, cb) =>
      observeElementOffset(instance, (offset, scrolling) => cb(offset * scaleRef.current, scrolling)),
    scrollToFn: (offset, options, instance) => elementScroll(offset / scaleRef.current, options, instance),
  });
  const virtualOffset = virtualizer.scrollOffset ?? 0;
  const realOffset = virtualOffset / scale;
  // Rows of the visible blocks that fall in the viewport (plus a few), as {index, top} in pixels of the scrolled area.
  const rows: { index: number; top: number }[] = [];
  for (const block of virtualizer.getVirtualItems()) {
    const end = Math.min(total, (block.index + 1) * BLOCK);
    for (let index = block.index * BLOCK; index < end; index++) {
      const start = block.start + (index - block.index * BLOCK) * ROW_H;
      if (
        start + ROW_H >= virtualOffset + HEADER_H - OVERSCAN_ROWS * ROW_H &&
        start <= virtualOffset + viewportH + OVERSCAN_ROWS * ROW_H
      )
        rows.push({ index, top: start - virtualOffset + realOffset - HEADER_H });
    }
  }
  // What the footer reports: the rows actually in view, without the overscan.
  const firstVisible = Math.min(total - 1, Math.floor(virtualOffset / ROW_H));
  const lastVisible = Math.min(total - 1, Math.floor((virtualOffset + viewportH - HEADER_H - 1) / ROW_H));
  const pageRows = Math.max(1, Math.floor((viewportH - HEADER_H) / ROW_H) - 1);

  // The virtualizer clamps scrollToIndex to the DOM's (scaled) height, so rows are brought into view here.
  const scrollRowIntoView = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const top = index * ROW_H;
    const view = virtualOffset;
    const rowsH = viewportH - HEADER_H;
    let target = view;
    if (top < view) target = top;
    else if (top + ROW_H > view + rowsH) target = top + ROW_H - rowsH;
    el.scrollTop = target / scale;
  };

  return { rows, spacerH, firstVisible, lastVisible, pageRows, scrollRowIntoView };
}
