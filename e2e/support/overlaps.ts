import type { Page } from 'playwright-core';

/**
 * Pairs of cells of the tables matching `selector` whose visible contents overlap: text spilling
 * out of a cell too narrow for it, over its neighbour. A cell's content counts where it is seen:
 * each piece of text clipped by the boxes around it that hide their overflow (an ellipsis, a
 * line clamp), up to the cell. Hidden cells and empty ones are left out.
 */
export async function overlappingCells(page: Page, selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    type Box = { left: number; top: number; right: number; bottom: number };
    const clip = (a: Box, b: Box): Box => ({
      left: Math.max(a.left, b.left),
      top: Math.max(a.top, b.top),
      right: Math.min(a.right, b.right),
      bottom: Math.min(a.bottom, b.bottom),
    });
    const empty = (b: Box) => b.right - b.left < 0.5 || b.bottom - b.top < 0.5;
    const cells: { name: string; boxes: Box[] }[] = [];
    for (const cell of document.querySelectorAll(`${sel} th, ${sel} td`)) {
      if (getComputedStyle(cell).display === 'none') continue;
      const boxes: Box[] = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) {
          let box: Box = rect;
          for (let el = node.parentElement; el; el = el.parentElement) {
            const style = getComputedStyle(el);
            if (style.overflowX !== 'visible' || style.overflowY !== 'visible')
              box = clip(box, el.getBoundingClientRect());
            if (el === cell) break;
          }
          if (!empty(box)) boxes.push(box);
        }
      }
      if (boxes.length) cells.push({ name: (cell.textContent ?? '').trim().slice(0, 40), boxes });
    }
    const overlaps: string[] = [];
    const meet = (a: Box, b: Box) => !empty(clip(a, b));
    for (let i = 0; i < cells.length; i++)
      for (let j = i + 1; j < cells.length; j++)
        if (cells[i].boxes.some((a) => cells[j].boxes.some((b) => meet(a, b))))
          overlaps.push(`"${cells[i].name}" overlaps "${cells[j].name}"`);
    return overlaps;
  }, selector);
}
