/**
 * Charts drawn one per task instead of all in one: a dashboard that already shows its charts as
 * pictures (server-drawn SVG) replaces them with interactive ones in the background, and a click
 * or a scroll between two draws is answered at once instead of after all sixteen.
 */
interface Entry {
  draw: () => void;
  cancelled: boolean;
}

const queue: Entry[] = [];
let scheduled = false;
// A message, not setTimeout(0): nested timeouts wait at least 4 ms each after the fifth.
let channel: MessageChannel | null = null;

function runOne() {
  scheduled = false;
  let next = queue.shift();
  while (next?.cancelled) next = queue.shift();
  next?.draw();
  if (queue.length) schedule();
}

function schedule() {
  if (scheduled) return;
  scheduled = true;
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = runOne;
  }
  channel.port2.postMessage(null);
}

/** Runs `draw` in a task of its own after the draws queued before it; returns the cancel. */
export function queueDraw(draw: () => void): () => void {
  const entry: Entry = { draw, cancelled: false };
  queue.push(entry);
  schedule();
  return () => {
    entry.cancelled = true;
  };
}
