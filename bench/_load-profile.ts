// Where the time of one page load goes, from Chromium itself (used by bench/dashboards.ts with
// BENCH_PROFILE=1; the leading underscore keeps `npm run bench` from running it on its own):
// the CPU profile of the page (DevTools protocol) summed by script, and the resource timings
// of the bundle and the API calls, both relative to the start of the navigation.
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The short name of a script: its bundle chunk without the content hash (`echart`, `index`…). */
const scriptOf = (url: string, functionName: string) => {
  if (!url) return functionName === '(garbage collector)' ? '(gc)' : functionName || '(native)';
  const file = url.split('/').pop() ?? url;
  return file.replace(/-[A-Za-z0-9_]{8}\.js$/, '').replace(/\?.*$/, '');
};

/** Runs `load` (a navigation that resolves once the page counts as loaded) with the profiler on and prints a breakdown. */
export async function profileLoad(page: Page, load: () => Promise<unknown>): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  // BENCH_TRACE=file: a Chromium trace of the load as well (open it in chrome://tracing or Perfetto).
  const tracePath = process.env.BENCH_TRACE;
  const events: unknown[] = [];
  if (tracePath) {
    cdp.on('Tracing.dataCollected', (d: { value: unknown[] }) => events.push(...d.value));
    await cdp.send('Tracing.start', {
      categories: 'devtools.timeline,blink,loading,navigation,v8.execute,disabled-by-default-devtools.timeline',
      transferMode: 'ReportEvents',
    });
  }
  const start = performance.now();
  const wallStart = Date.now();
  await load();
  if (tracePath) {
    const done = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
    await cdp.send('Tracing.end');
    await done;
    writeFileSync(tracePath, JSON.stringify({ traceEvents: events }));
  }
  const total = performance.now() - start;
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
  await cdp.detach();

  // Self time by script: each sample's delta belongs to the node it hit.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<string, number>();
  // The same by function within the scripts (readable names with an unminified web build).
  const functionMs = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const node = byId.get(id)!;
    const name = scriptOf(node.callFrame.url, node.callFrame.functionName);
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    selfMs.set(name, (selfMs.get(name) ?? 0) + ms);
    if (node.callFrame.url) {
      const fn = `${name}: ${node.callFrame.functionName || '(anonymous)'}`;
      functionMs.set(fn, (functionMs.get(fn) ?? 0) + ms);
    }
  });
  type Timings = {
    nav: {
      responseEnd: number;
      domContentLoaded: number;
      timeOrigin: number;
      unloadEnd: number;
      responseStart: number;
      domInteractive: number;
    };
    resources: { name: string; start: number; end: number; size: number }[];
    measures: { name: string; start: number; duration: number }[];
  };
  // Runs in the page: its Performance API (the bench is compiled without the DOM's types).
  const entries = await page.evaluate<Timings>(`(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      nav: { responseEnd: nav.responseEnd, domContentLoaded: nav.domContentLoadedEventEnd,
        timeOrigin: performance.timeOrigin, unloadEnd: nav.unloadEventEnd, responseStart: nav.responseStart,
        domInteractive: nav.domInteractive },
      resources: performance.getEntriesByType('resource').map((r) =>
        ({ name: r.name, start: r.startTime, end: r.responseEnd, size: r.transferSize })),
      measures: performance.getEntriesByType('measure').map((m) =>
        ({ name: m.name, start: m.startTime, duration: m.duration })),
    };
  })()`);
  const round = (v: number) => Math.round(v);
  console.log(`\nProfile of one warm load (${round(total)} ms as measured by the bench):`);
  // Times below are from the navigation's start, which comes after the bench asked for it by this much.
  console.log(
    `navigation started ${round(entries.nav.timeOrigin - wallStart)} ms after the bench's goto; from there: document's first byte ${round(entries.nav.responseStart)} ms, its end ${round(entries.nav.responseEnd)} ms, old page's unload done ${round(entries.nav.unloadEnd)} ms, DOM interactive ${round(entries.nav.domInteractive)} ms, DOMContentLoaded ${round(entries.nav.domContentLoaded)} ms`,
  );
  const groups = new Map<string, { n: number; first: number; last: number; bytes: number }>();
  for (const r of entries.resources) {
    const path = new URL(r.name).pathname;
    const group = path.startsWith('/assets/')
      ? 'bundle chunks'
      : path.replace(/\/insights\/[^/]+\/data$/, '/insights/*/data').replace(/\/api\/projects\/[^/]+/, '…');
    const g = groups.get(group) ?? { n: 0, first: Infinity, last: 0, bytes: 0 };
    groups.set(group, {
      n: g.n + 1,
      first: Math.min(g.first, r.start),
      last: Math.max(g.last, r.end),
      bytes: g.bytes + r.size,
    });
  }
  console.log('| requests | count | first starts | last ends | bytes over the wire |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, g] of [...groups].sort((a, b) => a[1].first - b[1].first))
    console.log(
      `| ${name} | ${g.n} | ${round(g.first)} ms | ${round(g.last)} ms | ${g.bytes.toLocaleString('en-US')} |`,
    );
  const measures = new Map<string, { n: number; sum: number; first: number; last: number }>();
  for (const m of entries.measures) {
    const g = measures.get(m.name) ?? { n: 0, sum: 0, first: Infinity, last: 0 };
    measures.set(m.name, {
      n: g.n + 1,
      sum: g.sum + m.duration,
      first: Math.min(g.first, m.start),
      last: Math.max(g.last, m.start + m.duration),
    });
  }
  console.log('| User Timing measure | count | total | first starts | last ends |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const [name, g] of [...measures].sort((a, b) => b[1].sum - a[1].sum))
    console.log(`| ${name} | ${g.n} | ${round(g.sum)} ms | ${round(g.first)} ms | ${round(g.last)} ms |`);
  console.log('| CPU of the page by script (self time) | ms |');
  console.log('| --- | ---: |');
  for (const [name, v] of [...selfMs].sort((a, b) => b[1] - a[1]).slice(0, 12))
    console.log(`| ${name} | ${round(v)} |`);
  console.log('| CPU of the page by function (self time) | ms |');
  console.log('| --- | ---: |');
  for (const [name, v] of [...functionMs].sort((a, b) => b[1] - a[1]).slice(0, 15))
    console.log(`| ${name} | ${round(v)} |`);
}
