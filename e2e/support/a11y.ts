import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';

/** One failed rule on a page, shaped like an axe-core result so either engine can report. */
export interface A11yViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical';
  help: string;
  /** Up to five offending elements, as short descriptions. */
  targets: string[];
  count: number;
}

const AXE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../node_modules/axe-core/axe.min.js');

/**
 * Accessibility violations of the page as it is now. With axe-core installed it runs axe
 * (WCAG 2.x A/AA rules); otherwise the rules below, written after axe's of the same id, which
 * cover what the UI review found (contrast, nested controls, names, headings, table headers,
 * scrollable regions). Both engines report the same shape.
 */
export async function a11yViolations(page: Page, options: { preload?: boolean } = {}): Promise<A11yViolation[]> {
  if (existsSync(AXE)) {
    await page.addScriptTag({ path: AXE });
    return page.evaluate(async (preload) => {
      const axe = (window as unknown as { axe: AxeLike }).axe;
      const r = await axe.run(document, {
        runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
        ...(preload === false ? { preload: false } : {}),
      });
      return r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? 'minor',
        help: v.help,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
        count: v.nodes.length,
      }));
    }, options.preload);
  }
  return page.evaluate(builtInRules);
}

interface AxeLike {
  run(
    ctx: Document,
    opts: unknown,
  ): Promise<{
    violations: {
      id: string;
      impact: A11yViolation['impact'] | null;
      help: string;
      nodes: { target: string[] }[];
    }[];
  }>;
}

/** Serious and critical ones, the bar the UI must meet. */
export const seriousOnes = (vs: A11yViolation[]) => vs.filter((v) => v.impact === 'serious' || v.impact === 'critical');

/** Runs inside the page: must not reference anything outside itself. */
function builtInRules(): A11yViolation[] {
  const out = new Map<string, A11yViolation>();
  const describe = (el: Element) => {
    const cls =
      typeof el.className === 'string' && el.className ? '.' + el.className.trim().split(/\s+/).join('.') : '';
    const text = (el.textContent ?? '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls}${text ? ` "${text}"` : ''}`;
  };
  const fail = (id: string, impact: A11yViolation['impact'], help: string, el: Element) => {
    const v = out.get(id) ?? { id, impact, help, targets: [], count: 0 };
    v.count++;
    if (v.targets.length < 5) v.targets.push(describe(el));
    out.set(id, v);
  };
  const visible = (el: Element) => {
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.display === 'none' || Number(s.opacity) === 0) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const hiddenFromAT = (el: Element | null): boolean =>
    !!el && (el.getAttribute('aria-hidden') === 'true' || hiddenFromAT(el.parentElement));
  const all = Array.from(document.body.querySelectorAll('*')).filter(
    (el) => !el.closest('dialog:not([open]), [hidden], svg, canvas, .cm-editor .cm-gutters'),
  );

  // color-contrast: text against the nearest opaque background (skipped over images and gradients).
  const rgba = (c: string) => {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1]
      .split(/[ ,/]+/)
      .filter(Boolean)
      .map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }: { r: number; g: number; b: number }) => {
    const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const background = (el: Element | null) => {
    const layers: { r: number; g: number; b: number; a: number }[] = [];
    for (let e = el; e; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (s.backgroundImage !== 'none') return null;
      const c = rgba(s.backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let base = { r: 255, g: 255, b: 255 };
    for (const l of layers.reverse())
      base = {
        r: l.r * l.a + base.r * (1 - l.a),
        g: l.g * l.a + base.g * (1 - l.a),
        b: l.b * l.a + base.b * (1 - l.a),
      };
    return base;
  };
  for (const el of all) {
    const own = Array.from(el.childNodes).some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
    if (!own || !visible(el) || hiddenFromAT(el)) continue;
    if ((el as HTMLButtonElement).disabled || el.closest('[aria-disabled="true"], :disabled')) continue;
    const s = getComputedStyle(el);
    const fg = rgba(s.color);
    const bg = background(el);
    if (!fg || !bg) continue;
    const mixed = {
      r: fg.r * fg.a + bg.r * (1 - fg.a),
      g: fg.g * fg.a + bg.g * (1 - fg.a),
      b: fg.b * fg.a + bg.b * (1 - fg.a),
    };
    const [hi, lo] = [lum(mixed), lum(bg)].sort((a, b) => b - a);
    const ratio = (hi + 0.05) / (lo + 0.05);
    const size = parseFloat(s.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(s.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5))
      fail('color-contrast', 'serious', `Text contrast ${ratio.toFixed(2)}:1 is below ${large ? 3 : 4.5}:1`, el);
  }

  const focusableSel =
    'a[href], button:not(:disabled), input:not(:disabled):not([type=hidden]), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';
  const interactiveSel =
    'a[href], button, [role=button], [role=link], [role=checkbox], [role=tab], [role=option], [role=menuitem]';

  // nested-interactive: a control whose children are presentational must hold no focusable element.
  for (const el of all.filter((e) => e.matches(interactiveSel)))
    if (el.querySelector(focusableSel))
      fail('nested-interactive', 'serious', 'Interactive controls must not be nested', el);

  // Accessible names of controls, links and images.
  const name = (el: Element) => {
    const labelledby = el.getAttribute('aria-labelledby');
    const byIds = labelledby
      ? labelledby
          .split(/\s+/)
          .map((id) => document.getElementById(id)?.textContent ?? '')
          .join(' ')
      : '';
    const labels = 'labels' in el ? Array.from((el as HTMLInputElement).labels ?? []).map((l) => l.textContent) : [];
    const imgs = Array.from(el.querySelectorAll('img[alt]')).map((i) => i.getAttribute('alt'));
    return [el.getAttribute('aria-label'), byIds, ...labels, el.getAttribute('title'), el.textContent, ...imgs]
      .join(' ')
      .trim();
  };
  for (const el of all) {
    if (hiddenFromAT(el)) continue;
    if (el.matches('button, [role=button]') && !name(el))
      fail('button-name', 'critical', 'Buttons must have discernible text', el);
    if (el.matches('a[href]') && !name(el)) fail('link-name', 'serious', 'Links must have discernible text', el);
    if (el.matches('img') && !el.hasAttribute('alt'))
      fail('image-alt', 'critical', 'Images must have alternate text', el);
    if (
      el.matches('input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea') &&
      !name(el) &&
      !el.getAttribute('placeholder')
    )
      fail('label', 'critical', 'Form elements must have labels', el);
  }

  // scrollable-region-focusable: what scrolls must be reachable by keyboard.
  for (const el of all) {
    if (!(el instanceof HTMLElement) || !visible(el)) continue;
    const s = getComputedStyle(el);
    const scrollsY = /(auto|scroll)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    const scrollsX = /(auto|scroll)/.test(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    if (!scrollsY && !scrollsX) continue;
    if (el.tabIndex >= 0 || el.querySelector(focusableSel)) continue;
    fail('scrollable-region-focusable', 'serious', 'Scrollable regions must be keyboard accessible', el);
  }

  // Headings: one h1, levels increase by one.
  const headings = all.filter((e) => /^H[1-6]$/.test(e.tagName) && visible(e) && !hiddenFromAT(e));
  if (!headings.some((h) => h.tagName === 'H1'))
    fail('page-has-heading-one', 'moderate', 'Page should contain a level-one heading', document.body);
  let last = 0;
  for (const h of headings) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) fail('heading-order', 'moderate', 'Heading levels should only increase by one', h);
    last = level;
  }

  // empty-table-header: every column header says what the column holds.
  for (const th of all.filter((e) => e.matches('th, [role=columnheader]')))
    if (!name(th)) fail('empty-table-header', 'minor', 'Table header text should not be empty', th);

  // duplicate ids referenced by labels break names.
  const ids = new Map<string, number>();
  for (const el of document.querySelectorAll('[id]')) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
  for (const [id, n] of ids)
    if (n > 1 && document.querySelector(`[aria-labelledby~="${CSS.escape(id)}"], label[for="${CSS.escape(id)}"]`))
      fail('duplicate-id-aria', 'critical', 'IDs used in ARIA and labels must be unique', document.getElementById(id)!);

  return [...out.values()];
}

/**
 * How far the page is wider than the window (0 when it fits): the document, or the page's
 * main area scrolling sideways as a whole. Wide tables that scroll in their own box are fine.
 */
export async function overflowX(page: Page): Promise<{ extra: number; widest: string }> {
  return page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const main = document.getElementById('main');
    const right = Math.min(vw, main ? main.getBoundingClientRect().right : vw);
    let extra = Math.max(0, document.documentElement.scrollWidth - vw);
    if (main) extra = Math.max(extra, main.scrollWidth - main.clientWidth);
    let widest = '';
    // The box that sticks out furthest without a scroll container of its own, to say what to fix.
    let most = 0;
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.right <= right + 1) continue;
      let clipped = false;
      for (let p = el.parentElement; p && p !== main && p !== document.body; p = p.parentElement) {
        const s = getComputedStyle(p);
        if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= right + 1) {
          clipped = true;
          break;
        }
      }
      if (!clipped && r.right - right > most) {
        most = r.right - right;
        widest = `${el.tagName.toLowerCase()}.${String((el as HTMLElement).className)}`;
      }
    }
    return { extra: Math.round(extra), widest };
  });
}

/**
 * Lets axe be injected into a webapp's pages: their content policy (script-src 'self', a
 * sandbox) refuses injected scripts, so it is bypassed for this page, from its next navigation
 * on, through the DevTools protocol. Call before `goto`; the returned function restores it.
 * Check such pages with `a11yViolations(page, { preload: false })`: from the sandbox's opaque
 * origin axe cannot fetch the style sheets it would preload.
 */
export async function bypassContentPolicy(page: Page): Promise<() => Promise<void>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.setBypassCSP', { enabled: true });
  return async () => {
    await cdp.send('Page.setBypassCSP', { enabled: false });
    await cdp.detach();
  };
}
