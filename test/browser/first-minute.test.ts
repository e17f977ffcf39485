// The first minute, measured as a person sees it, on the app's defaults (the overview pace): on a 1366 × 768 and a
// 1280 × 720 laptop the prompt, Generate, the text, the chart with its active box, the next-token bars and the play
// control are inside the window without scrolling, and the page never scrolls itself while the chart plays; a
// lesson's question is on screen, uncovered and unblurred, on a phone, a laptop and a projector; a tap on a box on a
// phone opens its explanation where the learner is; Space on a focused Generate generates, and focus stays there.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { completedRuns, launch, nextStep, openApp, settled, waitForRuns } from './browser';

/** No pace in the address: the app plays at its own default pace. */
const DEFAULTS = { pace: 'default' };

/** In the page: each selector's first visible element, and whether it lies inside the window. */
function placement(selectors: string[]) {
  return selectors.map((selector) => {
    const element = [...document.querySelectorAll<HTMLElement | SVGElement>(selector)].find((e) => e.getBoundingClientRect().width > 0);
    if (!element) return { selector, inside: false, why: 'missing' };
    const r = element.getBoundingClientRect();
    const inside = r.top >= -0.5 && r.left >= -0.5 && r.bottom <= innerHeight + 0.5 && r.right <= innerWidth + 0.5;
    return {
      selector,
      inside,
      why: inside
        ? ''
        : `${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)} in ${innerWidth}×${innerHeight}`,
    };
  });
}

/** In the page: how many of the chart's boxes lie wholly inside its visible area (and the window). */
function boxesInView(): number {
  const area = document.querySelector('#flow-chart')!.getBoundingClientRect();
  return [...document.querySelectorAll('svg.flow-chart g.node')].filter((node) => {
    const box = node.getBoundingClientRect();
    return box.top >= area.top - 1 && box.bottom <= area.bottom + 1 && box.top >= 0 && box.bottom <= innerHeight;
  }).length;
}

/** In the page: the active box lies inside the chart's visible area. */
function activeBoxInView(): boolean {
  const area = document.querySelector('#flow-chart')!.getBoundingClientRect();
  const box = document.querySelector('svg.flow-chart g.node.active')?.getBoundingClientRect();
  return !!box && box.top >= area.top - 1 && box.bottom <= area.bottom + 1 && box.top >= 0 && box.bottom <= innerHeight;
}

/** In the page: what a person sees at the centre of `selector`: the element there is inside it, and nothing above it
 * blurs it. */
function seenAt(selector: string) {
  const element = document.querySelector<HTMLElement>(selector)!;
  const r = element.getBoundingClientRect();
  const x = r.left + r.width / 2;
  const y = r.top + Math.min(r.height / 2, 20);
  const hit = document.elementFromPoint(x, y);
  let blurred = false;
  for (let node: Element | null = element; node; node = node.parentElement)
    if (getComputedStyle(node).filter.includes('blur')) blurred = true;
  return {
    inWindow: r.top >= 0 && r.bottom <= innerHeight && r.left >= 0 && r.right <= innerWidth,
    covered: !(hit && element.contains(hit)),
    blurred,
    top: Math.round(r.top),
    bottom: Math.round(r.bottom),
  };
}

describe('the first minute', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  for (const lang of ['zh-CN', 'en'] as const) {
    it(`a laptop (${lang}): everything to watch the model think is on the first screen, and the page never moves`, async () => {
      const page = await openApp(browser, { backend: 'wasm', lang, viewport: { width: 1366, height: 768 }, query: DEFAULTS });
      // The page must not scroll from the first frame on, while the model loads, generates and the chart plays.
      await page.evaluate(() => {
        (window as any).__maxScroll = 0;
        (window as any).__chartScroll = 0;
        addEventListener('scroll', () => ((window as any).__maxScroll = Math.max((window as any).__maxScroll, scrollY)));
        // The chart's own area scrolls (a capturing listener hears a scroll of any element).
        addEventListener(
          'scroll',
          (event) => {
            const target = event.target as HTMLElement;
            if (target.id === 'flow-chart') (window as any).__chartScroll = Math.max((window as any).__chartScroll, target.scrollTop);
          },
          true,
        );
      });
      await waitForRuns(page, 1);
      const selectors = [
        '#prompt-input',
        'button[data-action=generate]',
        '[data-testid=completion]',
        '#flow-chart',
        'button[data-playback=toggle]',
        '[data-testid=next-token] .bars svg',
        '[data-testid=caption]',
      ];
      for (const viewport of [
        { width: 1366, height: 768 },
        { width: 1280, height: 720 },
      ]) {
        await page.setViewportSize(viewport);
        await settled(page);
        expect(await page.evaluate(placement, selectors), `${viewport.width}×${viewport.height}`).toEqual(
          selectors.map((selector) => ({ selector, inside: true, why: '' })),
        );
        expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(viewport.height);
        // Inside the chart's area, not just inside the window: the active box (once a smooth scroll has ended) and
        // several others are seen.
        await page.waitForFunction(activeBoxInView, null, { timeout: 3000 });
        expect(await page.evaluate(boxesInView)).toBeGreaterThanOrEqual(6);
      }
      expect(await page.locator('[data-testid=frame]').getAttribute('data-pace')).toBe('overview');
      // The overview pace: a 24-token run is a few dozen steps, not two thousand boxes; the chart plays and follows
      // its active box inside its own area.
      const counter = await page.locator('[data-testid=frame]').textContent();
      const [, shown, total] = counter!.match(/(\d+)\D+(\d+)/)!.map(Number);
      const frames = await page.evaluate(() => window.__flow!.playback.frames.length);
      expect(total).toBeLessThan(80);
      expect(frames).toBeGreaterThan(1000);
      expect(shown).toBeGreaterThan(0);
      expect(await page.evaluate(() => window.__flow!.player.playing)).toBe(true);
      // At each of the next steps, as it is taken: the active box is in view or comes into view as the area's smooth
      // scroll ends (well within a stop's dwell).
      for (let i = 0; i < 6; i++) {
        await nextStep(page);
        await page.waitForFunction(activeBoxInView, null, { timeout: 1500 });
      }
      expect(await page.evaluate(() => (window as any).__maxScroll)).toBe(0);
      expect(await page.evaluate(() => scrollY)).toBe(0);
      // The chart did scroll inside its own area to follow the box (the first layer's boxes run past its bottom).
      expect(await page.evaluate(() => (window as any).__chartScroll)).toBeGreaterThan(0);
      await page.close();
    });
  }

  it('Space on a focused Generate starts a run, focus stays on Generate, and a run already watched is not replayed box by box', async () => {
    const page = await openApp(browser, {
      backend: 'wasm',
      viewport: { width: 1366, height: 768 },
      query: { ...DEFAULTS, max: '3', t: '0' },
    });
    await waitForRuns(page, 1);
    const before = await completedRuns(page);
    // The learner has seen this run to its end; the next run's first pass is brief (the input, a step per layer).
    const firstCount = await page.evaluate(() => {
      const flow = window.__flow!;
      flow.playback.toEnd();
      return flow.playback.position.count;
    });
    await page.locator('button[data-action=generate]').focus();
    await page.keyboard.press('Space');
    await waitForRuns(page, before + 1);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('generate');
    const second = await page.evaluate(() => {
      const flow = window.__flow!;
      return { count: flow.playback.position.count, nLayer: flow.runs.trace!.config.nLayer };
    });
    // start, input, tokenize, a step per layer, the draw; then a draw per further token and End.
    expect(second.count).toBe(3 + second.nLayer + 1 + 2 + 1);
    expect(second.count).toBeLessThan(firstCount);
    // Enter presses it too.
    await page.keyboard.press('Enter');
    await waitForRuns(page, before + 2);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-action'))).toBe('generate');
    await page.close();
  });

  const lessonScreens = [
    { width: 390, height: 844, lang: 'zh-CN', present: false },
    { width: 1280, height: 720, lang: 'en', present: false },
    { width: 1366, height: 768, lang: 'zh-CN', present: false },
    { width: 1920, height: 1080, lang: 'en', present: false },
    { width: 1920, height: 1080, lang: 'zh-CN', present: true },
  ] as const;
  for (const { width, height, lang, present } of lessonScreens) {
    it(`a lesson at ${width} px${present ? ' in presentation' : ''} (${lang}): the question and its choices are on screen, not covered, not blurred`, async () => {
      const page = await openApp(browser, {
        backend: 'wasm',
        lang,
        viewport: { width, height },
        query: { ...DEFAULTS, lesson: 'attention', ...(present ? { present: '1' } : {}) },
      });
      await page.waitForSelector('[data-testid=lesson][data-phase=asking] [data-question="attention.look"]', { timeout: 150_000 });
      // The chapter's run goes on playing the chart meanwhile; nothing may move the question away.
      for (let i = 0; i < 3; i++) {
        await nextStep(page);
        expect(await page.evaluate(seenAt, '[data-testid=lesson-ask]')).toMatchObject({ inWindow: true, covered: false, blurred: false });
        expect(await page.evaluate(seenAt, '[data-testid=lesson-question] .options button')).toMatchObject({
          inWindow: true,
          covered: false,
          blurred: false,
        });
      }
      // What the answer would give away is blurred meanwhile.
      expect(await page.evaluate(() => getComputedStyle(document.querySelector('.flow')!).filter)).toContain('blur');
      await page.close();
    });
  }

  it('a phone: a tap on a box shows its explanation, formula and why in the window within a second; ✕ closes it', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const { appUrl } = await import('./browser');
    await page.goto(appUrl({ backend: 'wasm', lang: 'zh-CN', query: DEFAULTS }));
    await waitForRuns(page, 1);
    await page.locator('g.node[data-node=softmax]').tap();
    const sheet = page.locator('[data-testid=detail-sheet]');
    await sheet.waitFor({ timeout: 1000 });
    const seen = await sheet.evaluate((element) => {
      const r = element.getBoundingClientRect();
      const why =
        element.querySelector('.why, [data-testid=why]') ??
        [...element.querySelectorAll('*')].find((e) => e.textContent?.trim() === '为什么');
      const w = why?.getBoundingClientRect();
      return {
        top: r.top,
        bottom: r.bottom,
        height: innerHeight,
        title: element.querySelector('h2')?.textContent,
        whyInside: !!w && w.top >= r.top && w.top < innerHeight,
      };
    });
    expect(seen.title).toBe('Softmax → 注意力权重');
    expect(seen.top).toBeGreaterThan(0);
    expect(seen.bottom).toBeLessThanOrEqual(seen.height + 0.5);
    expect(seen.whyInside).toBe(true);
    await sheet.locator('.formula .katex').first().waitFor({ timeout: 15_000 });
    await sheet.locator('button.close').tap();
    expect(await sheet.count()).toBe(0);
    await page.close();
  });
});
