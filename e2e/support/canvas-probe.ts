import type { BrowserContext, Locator } from 'playwright-core';

/** A piece of text a canvas drew, as a box in CSS pixels relative to the canvas's top-left corner. */
export interface DrawnText {
  text: string;
  /** Part of it is hidden by a clip (an item half out of a scroll legend's window). */
  clipped: boolean;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** What one chart's canvases show: the chart's size in CSS pixels, the texts of their last frames, their coloured pixels. */
export interface CanvasDrawing {
  width: number;
  height: number;
  texts: DrawnText[];
  /** Pixels far from grey (series colours: bars, slices, cells), counted on a 2-pixel grid. */
  coloured: number;
  /** The same pixels per quarter of the canvas: top left, top right, bottom left, bottom right. */
  colouredQuarters: number[];
}

/**
 * Records every text a canvas draws (`fillText`/`strokeText`) with its box as drawn: measured by
 * the canvas itself for the font, alignment and baseline in force, through the transform in
 * force (rotated axis names included). ECharts draws each frame whole, so the texts of a canvas's
 * latest frame are what it shows. Call before the pages open.
 */
export async function recordCanvasTexts(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    type Box = { left: number; top: number; right: number; bottom: number };
    type Entry = Box & { frame: number; text: string; visible: Box | null };
    const drawn = new WeakMap<HTMLCanvasElement, Entry[]>();
    const proto = CanvasRenderingContext2D.prototype;
    const meet = (a: Box, b: Box | null): Box | null => {
      if (!b) return a;
      const box = {
        left: Math.max(a.left, b.left),
        top: Math.max(a.top, b.top),
        right: Math.min(a.right, b.right),
        bottom: Math.min(a.bottom, b.bottom),
      };
      return box.right - box.left < 0.5 || box.bottom - box.top < 0.5 ? null : box;
    };
    /** Of each context: the bounds of the path being built and the clip in force, both in canvas pixels. */
    const state = new WeakMap<
      CanvasRenderingContext2D,
      { path: Box | null; clip: Box | null; saved: (Box | null)[] }
    >();
    const of = (ctx: CanvasRenderingContext2D) => {
      let s = state.get(ctx);
      if (!s) state.set(ctx, (s = { path: null, clip: null, saved: [] }));
      return s;
    };
    const boxOf = (ctx: CanvasRenderingContext2D, points: number[][]): Box => {
      const t = ctx.getTransform();
      const p = points.map(([x, y]) => t.transformPoint(new DOMPoint(x, y)));
      return {
        left: Math.min(...p.map((q) => q.x)),
        right: Math.max(...p.map((q) => q.x)),
        top: Math.min(...p.map((q) => q.y)),
        bottom: Math.max(...p.map((q) => q.y)),
      };
    };
    const grow = (ctx: CanvasRenderingContext2D, b: Box) => {
      const s = of(ctx);
      s.path = s.path
        ? {
            left: Math.min(s.path.left, b.left),
            top: Math.min(s.path.top, b.top),
            right: Math.max(s.path.right, b.right),
            bottom: Math.max(s.path.bottom, b.bottom),
          }
        : b;
    };
    // Clips are what a scroll legend shows of its items: track the bounds of clipping paths.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the originals, called back with the context they wrap
    const { beginPath, rect, moveTo, lineTo, clip, save, restore } = proto;
    proto.beginPath = function (this: CanvasRenderingContext2D) {
      of(this).path = null;
      return beginPath.call(this);
    };
    proto.rect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
      grow(
        this,
        boxOf(this, [
          [x, y],
          [x + w, y + h],
        ]),
      );
      return rect.call(this, x, y, w, h);
    };
    proto.moveTo = function (this: CanvasRenderingContext2D, x: number, y: number) {
      grow(this, boxOf(this, [[x, y]]));
      return moveTo.call(this, x, y);
    };
    proto.lineTo = function (this: CanvasRenderingContext2D, x: number, y: number) {
      grow(this, boxOf(this, [[x, y]]));
      return lineTo.call(this, x, y);
    };
    proto.clip = function (this: CanvasRenderingContext2D, ...args: unknown[]) {
      const s = of(this);
      if (s.path) s.clip = meet(s.path, s.clip) ?? { left: 0, top: 0, right: 0, bottom: 0 };
      return (clip as (...a: unknown[]) => void).apply(this, args);
    };
    proto.save = function (this: CanvasRenderingContext2D) {
      of(this).saved.push(of(this).clip);
      return save.call(this);
    };
    proto.restore = function (this: CanvasRenderingContext2D) {
      const s = of(this);
      s.clip = s.saved.pop() ?? null;
      return restore.call(this);
    };
    // A canvas resized or cleared whole shows none of its earlier texts (a layer may then draw none).
    const forget = (canvas: HTMLCanvasElement) => drawn.delete(canvas);
    for (const size of ['width', 'height'] as const) {
      const descriptor = Object.getOwnPropertyDescriptor(HTMLCanvasElement.prototype, size)!;
      Object.defineProperty(HTMLCanvasElement.prototype, size, {
        ...descriptor,
        set(this: HTMLCanvasElement, value: number) {
          forget(this);
          descriptor.set!.call(this, value);
        },
      });
    }
    // eslint-disable-next-line @typescript-eslint/unbound-method -- the originals, called back with the context they wrap
    const { clearRect } = proto;
    proto.clearRect = function (this: CanvasRenderingContext2D, x: number, y: number, w: number, h: number) {
      const b = boxOf(this, [
        [x, y],
        [x + w, y + h],
      ]);
      if (b.left <= 0 && b.top <= 0 && b.right >= this.canvas.width && b.bottom >= this.canvas.height)
        forget(this.canvas);
      return clearRect.call(this, x, y, w, h);
    };
    const wrap = (name: 'fillText' | 'strokeText') => {
      // eslint-disable-next-line @typescript-eslint/unbound-method -- the originals, called back with the context they wrap
      const original = proto[name];
      proto[name] = function (this: CanvasRenderingContext2D, text: string, x: number, y: number, maxWidth?: number) {
        const m = this.measureText(text);
        const inCanvas = boxOf(this, [
          [x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent],
          [x + m.actualBoundingBoxRight, y - m.actualBoundingBoxAscent],
          [x - m.actualBoundingBoxLeft, y + m.actualBoundingBoxDescent],
          [x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent],
        ]);
        const visible = meet(inCanvas, of(this).clip);
        // The transform maps to the canvas's own pixels; the page sees them scaled to its CSS size.
        const canvas = this.canvas;
        const scale = canvas.clientWidth / canvas.width || 1;
        const css = (b: Box): Box => ({
          left: b.left * scale,
          top: b.top * scale,
          right: b.right * scale,
          bottom: b.bottom * scale,
        });
        const frame = Number(document.timeline.currentTime ?? 0);
        const list = (drawn.get(canvas) ?? []).filter((e) => e.frame === frame);
        list.push({ frame, text: String(text), ...css(inCanvas), visible: visible && css(visible) });
        drawn.set(canvas, list);
        return maxWidth === undefined ? original.call(this, text, x, y) : original.call(this, text, x, y, maxWidth);
      };
    };
    wrap('fillText');
    wrap('strokeText');
    (window as unknown as { __canvasTexts: (c: HTMLCanvasElement) => Entry[] }).__canvasTexts = (c) =>
      drawn.get(c) ?? [];
  });
}

/**
 * The drawing of the chart `chart` (an element with role img holding an ECharts instance): the
 * canvases of all its layers together (a heatmap's visual map draws on layers of its own).
 */
export async function canvasDrawing(chart: Locator): Promise<CanvasDrawing> {
  return chart.evaluate((el) => {
    type Box = { left: number; top: number; right: number; bottom: number };
    type Recorded = Box & { text: string; visible: Box | null };
    const read = (window as unknown as { __canvasTexts: (c: HTMLCanvasElement) => Recorded[] }).__canvasTexts;
    const box = el.getBoundingClientRect();
    const drawing = {
      width: el.clientWidth,
      height: el.clientHeight,
      texts: [] as DrawnText[],
      coloured: 0,
      colouredQuarters: [0, 0, 0, 0],
    };
    for (const canvas of el.querySelectorAll('canvas')) {
      const at = canvas.getBoundingClientRect();
      const [dx, dy] = [at.left - box.left, at.top - box.top];
      for (const t of read(canvas)) {
        // Wholly clipped: not shown by design (a scroll legend's other pages).
        if (!t.visible) continue;
        const { left, top, right, bottom } = t;
        const clipped =
          t.visible.left > left + 0.5 ||
          t.visible.right < right - 0.5 ||
          t.visible.top > top + 0.5 ||
          t.visible.bottom < bottom - 0.5;
        drawing.texts.push({
          text: t.text,
          clipped,
          left: left + dx,
          top: top + dy,
          right: right + dx,
          bottom: bottom + dy,
        });
      }
      if (!canvas.width || !canvas.height) continue;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let y = 0; y < canvas.height; y += 2)
        for (let x = 0; x < canvas.width; x += 2) {
          const i = (y * canvas.width + x) * 4;
          const [r, g, b, a] = [pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]];
          if (a > 128 && Math.max(r, g, b) - Math.min(r, g, b) > 60) {
            drawing.coloured++;
            drawing.colouredQuarters[(y * 2 >= canvas.height ? 2 : 0) + (x * 2 >= canvas.width ? 1 : 0)]++;
          }
        }
    }
    return drawing;
  });
}

/** The texts of a drawing cut by a clip, or whose box reaches outside the canvas (by more than half a pixel: antialiasing). */
export function textsOutside(drawing: CanvasDrawing): string[] {
  const slack = 0.5;
  return drawing.texts
    .filter(
      (t) =>
        t.clipped ||
        t.left < -slack ||
        t.top < -slack ||
        t.right > drawing.width + slack ||
        t.bottom > drawing.height + slack,
    )
    .map(
      (t) =>
        `"${t.text}"${t.clipped ? ' clipped' : ''} at ${[t.left, t.top, t.right, t.bottom].map(Math.round).join(',')}`,
    );
}
