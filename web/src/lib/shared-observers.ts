/**
 * One ResizeObserver and one IntersectionObserver for every chart of the page, instead of one
 * of each per chart: a 20-tile dashboard otherwise had 40 observers, each with its own
 * callback and layout read after every frame that changed the grid.
 */
type Entry = ResizeObserverEntry | IntersectionObserverEntry;
type Listener = (entry: Entry) => void;
type Observer = { observe(el: Element): void; unobserve(el: Element): void };

/** Made on first use (never during a server-side import); each element has its one listener. */
function shared(make: (callback: (entries: Entry[]) => void) => Observer) {
  const listeners = new Map<Element, Listener>();
  let observer: Observer | null = null;
  return (el: Element, listener: Listener): (() => void) => {
    observer ??= make((entries) => {
      for (const entry of entries) listeners.get(entry.target)?.(entry);
    });
    listeners.set(el, listener);
    observer.observe(el);
    return () => {
      observer?.unobserve(el);
      listeners.delete(el);
    };
  };
}

/** A lazy chart starts drawing when it is this close to the viewport, so a scroll rarely shows it empty. */
const NEAR_VIEWPORT: IntersectionObserverInit = { rootMargin: '300px 0px' };

const nearViewport = shared((callback) => new IntersectionObserver(callback, NEAR_VIEWPORT));
const resized = shared((callback) => new ResizeObserver(callback));

/** Calls `onNear` each time `el` comes within NEAR_VIEWPORT of the viewport; returns the unsubscribe. */
export function observeNearViewport(el: Element, onNear: () => void): () => void {
  return nearViewport(el, (entry) => {
    if ((entry as IntersectionObserverEntry).isIntersecting) onNear();
  });
}

/** Calls `onResize` when the size of `el` is reported (also once just after observing); returns the unsubscribe. */
export function observeResize(el: Element, onResize: () => void): () => void {
  return resized(el, onResize);
}
