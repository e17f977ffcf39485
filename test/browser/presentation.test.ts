// Presentation mode, measured as the back row of a lecture hall sees it: at 1920 × 1080 every visible text is at
// least 24 px and the chart's labels and caption at least 28 px, in both languages; at 1280 × 720 the same slide,
// scaled (16 px, 18.7 px); at 150 % browser zoom the same size on the wall; the active box's explanation follows the
// clicker and fits its column; the type size goes up and down from the header or the keys, and stays in the link.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launch, settled, waitForRuns } from './browser';

/** In the page: visible texts smaller than `least` px on screen (device pixels: CSS px × zoom × device pixel ratio),
 * and the chart's (and caption's) smaller than `chartLeast`. */
function smallTexts({ least, chartLeast }: { least: number; chartLeast: number }) {
  const found: string[] = [];
  const shown = (element: Element) => {
    const rect = element.getBoundingClientRect();
    return (
      rect.width > 1 &&
      rect.height > 1 &&
      rect.bottom > 0 &&
      rect.top < innerHeight &&
      rect.right > 0 &&
      rect.left < innerWidth &&
      getComputedStyle(element).visibility !== 'hidden' &&
      !element.closest('.visually-hidden, option')
    );
  };
  for (const element of document.querySelectorAll('body *')) {
    // (KaTeX's struts hold a zero-width space: no text to read.)
    const own = [...element.childNodes].some(
      (node) => node.nodeType === Node.TEXT_NODE && node.textContent!.replace(/[\s\u200b]/g, '') !== '',
    );
    if (!own || !shown(element)) continue;
    const fontSize = parseFloat(getComputedStyle(element).fontSize);
    let px: number;
    if (element instanceof SVGElement) {
      const ctm = (element as SVGGraphicsElement).getScreenCTM();
      px = fontSize * (ctm ? Math.hypot(ctm.a, ctm.b) : 1);
    } else px = fontSize * ((element as HTMLElement & { currentCSSZoom?: number }).currentCSSZoom ?? 1);
    px *= devicePixelRatio;
    const inChart = element.closest('svg.flow-chart, [data-testid=caption]') !== null;
    const limit = inChart ? chartLeast : least;
    if (px < limit - 0.05)
      found.push(
        `${px.toFixed(1)} px${inChart ? ' (chart)' : ''} ${element.tagName.toLowerCase()}.${[...element.classList].join('.')} “${element.textContent!.trim().slice(0, 30)}”`,
      );
  }
  return found;
}

/** In the page: what a slide must not do: scroll, run past the window, leave the explanation to a scroll. */
function slideLayout() {
  const detail = document.querySelector<HTMLElement>('section.right section.detail');
  const flow = document.querySelector<HTMLElement>('.flow')!;
  const caption = document.querySelector('[data-testid=caption]')!.getBoundingClientRect();
  const active = document.querySelector('svg.flow-chart g.node.active')?.getBoundingClientRect();
  const chart = document.querySelector('svg.flow-chart')!.getBoundingClientRect();
  const area = document.querySelector('#flow-chart')!.getBoundingClientRect();
  return {
    chartWithinItsArea: chart.left >= area.left - 1 && chart.right <= area.right + 1,
    pageScrolls: document.documentElement.scrollHeight > innerHeight + 1 || document.documentElement.scrollWidth > innerWidth + 1,
    captionInWindow: caption.bottom <= innerHeight + 1 && caption.right <= innerWidth + 1,
    activeAboveCaption: !!active && active.top >= 0 && active.bottom <= caption.top + 1,
    detailFor: detail?.dataset['detail'] ?? null,
    playing: flow.dataset['node'],
    // The explanation fits the slide, or says it goes on (PageDown turns its page).
    detailWholeOrPaged:
      !!detail &&
      detail.getBoundingClientRect().bottom <= innerHeight + 1 &&
      (detail.scrollHeight <= detail.clientHeight + 1 || document.querySelector('[data-testid=more-below]') !== null),
  };
}

/** Opens a run in presentation, paused on the second layer's weighted sum (formula, values, the attention view). */
async function openSlide(
  browser: Browser,
  lang: 'en' | 'zh-CN',
  viewport: { width: number; height: number },
  deviceScaleFactor = 1,
  query: Record<string, string> = {},
): Promise<Page> {
  const page = await browser.newPage({ viewport, deviceScaleFactor });
  page.on('pageerror', (error) => console.error(error));
  await page.goto(slideUrl(lang, query));
  await waitForRuns(page, 1);
  await page.evaluate(() => {
    const flow = window.__flow!;
    flow.player.pause();
    flow.playback.jumpToLayer(1);
    while (flow.playback.frame.node !== 'weightedSum') flow.playback.forward();
  });
  await settled(page);
  return page;
}

let baseUrl = '';
function slideUrl(lang: string, query: Record<string, string>): string {
  return `${baseUrl}?${new URLSearchParams({ debug: '1', backend: 'wasm', lang, present: '1', max: '8', t: '0', pace: 'every', ...query })}`;
}

describe('presentation mode for a lecture hall', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launch();
    baseUrl = inject('baseUrl');
  });
  afterAll(async () => browser?.close());

  for (const lang of ['en', 'zh-CN'] as const) {
    for (const [width, height] of [
      [1920, 1080],
      [1280, 720],
    ] as const) {
      it(`${width} × ${height} (${lang}): no text under ${(24 * width) / 1920} px, the chart's under ${((28 * width) / 1920).toFixed(1)} px; nothing scrolls`, async () => {
        const page = await openSlide(browser, lang, { width, height });
        const scale = width / 1920;
        await page.screenshot({ path: `test/output/presentation-${width}-${lang}.png` });
        expect(await page.evaluate(smallTexts, { least: 24 * scale, chartLeast: 28 * scale })).toEqual([]);
        expect(await page.evaluate(slideLayout)).toEqual({
          chartWithinItsArea: true,
          pageScrolls: false,
          captionInWindow: true,
          activeAboveCaption: true,
          detailFor: 'weightedSum',
          playing: 'weightedSum',
          detailWholeOrPaged: true,
        });
        // The box's view beside it, on its layer.
        expect(await page.locator('[data-view=attention]').getAttribute('data-layer')).toBe('1');
        await page.close();
      }, 240_000);
    }
  }

  it('at 150 % browser zoom the slide keeps its size on the screen (24 px text, 28 px chart labels)', async () => {
    // A 1920 × 1080 screen at 150 %: a 1280 × 720 CSS-pixel window, each CSS pixel 1.5 device pixels.
    const page = await openSlide(browser, 'zh-CN', { width: 1280, height: 720 }, 1.5);
    expect(await page.evaluate(smallTexts, { least: 24, chartLeast: 28 })).toEqual([]);
    expect(await page.evaluate(slideLayout)).toMatchObject({
      chartWithinItsArea: true,
      pageScrolls: false,
      captionInWindow: true,
      activeAboveCaption: true,
    });
    await page.close();
  }, 240_000);

  it('an explanation longer than the slide says so, and PageDown turns its page before it steps the chart', async () => {
    const page = await openSlide(browser, 'zh-CN', { width: 1920, height: 1080 }, 1, { size: '140' });
    // Find a box whose explanation is longer than the slide at this size.
    const state = () =>
      page.evaluate(() => {
        const detail = document.querySelector<HTMLElement>('section.right section.detail')!;
        return {
          node: document.querySelector<HTMLElement>('.flow')!.dataset['node'],
          top: Math.round(detail.scrollTop),
          more: detail.scrollHeight - detail.clientHeight - detail.scrollTop > 2,
        };
      });
    let now = await state();
    for (let i = 0; i < 12 && !now.more; i++) {
      await page.evaluate(() => window.__flow!.playback.forward());
      await settled(page);
      now = await state();
    }
    expect(now.more, 'some box explanation is longer than a 140 % slide').toBe(true);
    await expect(page.locator('[data-testid=more-below]').count()).resolves.toBe(1);
    const box = now.node;
    // PageDown turns the page (the chart stays) until the end of the explanation; then it steps the chart, and the
    // next box's explanation starts at its top.
    await page.keyboard.press('PageDown');
    const turned = await state();
    expect(turned).toMatchObject({ node: box });
    expect(turned.top).toBeGreaterThan(0);
    for (let i = 0; i < 10 && (await state()).more; i++) await page.keyboard.press('PageDown');
    await expect(page.locator('[data-testid=more-below]').count()).resolves.toBe(0);
    expect((await state()).node).toBe(box);
    await page.keyboard.press('PageUp');
    expect(await state()).toMatchObject({ node: box });
    expect((await state()).top).toBeLessThan((await state()).top + 1);
    for (let i = 0; i < 10 && (await state()).more; i++) await page.keyboard.press('PageDown');
    await page.keyboard.press('PageDown');
    await expect.poll(async () => (await state()).node).not.toBe(box);
    await expect.poll(async () => (await state()).top).toBe(0);
    await page.close();
  }, 240_000);

  it('the clicker drives it: PageDown / PageUp step and the explanation follows; B blanks; + / − and A+ / A− set the type, kept in the link', async () => {
    const page = await openSlide(browser, 'en', { width: 1920, height: 1080 });
    const shown = () =>
      page.evaluate(() => ({
        playing: document.querySelector<HTMLElement>('.flow')!.dataset['node'],
        detail: document.querySelector<HTMLElement>('section.right section.detail')?.dataset['detail'],
      }));
    /** PageDown until the chart steps (an explanation longer than the slide turns its pages first). */
    const nextBox = async () => {
      const from = (await shown()).playing;
      for (let i = 0; i < 8 && (await shown()).playing === from; i++) {
        await page.keyboard.press('PageDown');
        await settled(page);
      }
    };
    await nextBox();
    await expect.poll(shown).toEqual({ playing: 'outProj', detail: 'outProj' });
    await page.keyboard.press('PageUp');
    await expect.poll(shown).toEqual({ playing: 'weightedSum', detail: 'weightedSum' });
    // A box clicked holds until the next step.
    await page.evaluate(() =>
      document.querySelector('svg.flow-chart g.node[data-node=mlp]')!.dispatchEvent(new MouseEvent('click', { bubbles: true })),
    );
    await expect.poll(shown).toEqual({ playing: 'weightedSum', detail: 'mlp' });
    await nextBox();
    await expect.poll(shown).toEqual({ playing: 'outProj', detail: 'outProj' });
    await page.keyboard.press('b');
    await expect(page.locator('[data-testid=blank]').count()).resolves.toBe(1);
    await page.keyboard.press('ArrowRight'); // (any key brings the slide back, and does nothing else)
    await expect(page.locator('[data-testid=blank]').count()).resolves.toBe(0);
    await expect.poll(shown).toEqual({ playing: 'outProj', detail: 'outProj' });

    const captionPx = () =>
      page.evaluate(() => {
        const caption = document.querySelector<HTMLElement & { currentCSSZoom: number }>('[data-testid=caption]')!;
        return parseFloat(getComputedStyle(caption).fontSize) * caption.currentCSSZoom;
      });
    const before = await captionPx();
    await page.click('[data-action=text-larger]');
    await page.click('[data-action=text-larger]');
    await expect(page.locator('[data-testid=text-size]').textContent()).resolves.toBe('120 %');
    expect(await captionPx()).toBeCloseTo(before * 1.2, 1);
    await expect.poll(() => new URL(page.url()).searchParams.get('size')).toBe('120');
    // Larger type still fits the window: the view goes under the explanation, nothing runs past the slide.
    expect(await page.evaluate(slideLayout)).toMatchObject({ chartWithinItsArea: true, pageScrolls: false, captionInWindow: true });
    await page.keyboard.press('-');
    await expect(page.locator('[data-testid=text-size]').textContent()).resolves.toBe('110 %');
    await page.keyboard.press('+');
    await page.keyboard.press('+');
    await expect.poll(() => new URL(page.url()).searchParams.get('size')).toBe('130');
    // A prepared link opens at its size.
    await page.goto(slideUrl('en', { size: '130' }));
    await waitForRuns(page, 1);
    await expect(page.locator('[data-testid=text-size]').textContent()).resolves.toBe('130 %');
    expect(await captionPx()).toBeCloseTo(before * 1.3, 1);
    await page.close();
  }, 240_000);
});
