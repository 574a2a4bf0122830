/**
 * The width the dashboard grid will have in this window, known before anything is laid out:
 * its data is fetched at boot (early-fetch.ts) with the tiles' pictures drawn on the server at
 * this width (the page scales a picture to its tile when the guess is a little off). From the
 * layout's stylesheet: the project sidebar (212 px, 168 px up to 820 px, a drawer up to 800 px),
 * the content's padding, and the scroll bar of a dashboard taller than the window.
 */
export function dashboardPreviewWidth(windowWidth = window.innerWidth): number {
  const sidebar = windowWidth <= 800 ? 0 : windowWidth <= 820 ? 168 : 212;
  const padding = windowWidth <= 800 ? 24 : 48;
  const scrollBar = 15;
  // In steps of 10 px: the server keeps one set of pictures for windows of nearly the same width.
  return Math.max(200, Math.round((windowWidth - sidebar - padding - scrollBar) / 10) * 10);
}
