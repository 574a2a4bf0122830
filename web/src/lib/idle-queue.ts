/**
 * Work run one item per idle period of the browser, in the order it was queued: the
 * interactive charts of a dashboard built one after another once the page is shown, instead of
 * all in one long task that blocks scrolling and input (echart.tsx).
 */
const queue: (() => void)[] = [];
let scheduled = false;

function runOne() {
  scheduled = false;
  const next = queue.shift();
  next?.();
  scheduleNext();
}

function scheduleNext() {
  if (scheduled || queue.length === 0) return;
  scheduled = true;
  // The timeout bounds the wait on a browser that is never idle (a busy wall screen).
  requestIdleCallback(runOne, { timeout: 1000 });
}

/** Queues `work` for an idle period; returns the cancel (no-op once it has run). */
export function whenIdle(work: () => void): () => void {
  queue.push(work);
  scheduleNext();
  return () => {
    const at = queue.indexOf(work);
    if (at >= 0) queue.splice(at, 1);
  };
}
