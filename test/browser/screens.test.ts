// Every screen a learner or instructor uses, in both languages: phone, laptops, desktop, projector
// (presentation mode) and 4K. Each is screenshot into test/output/ (ignored by git: open the PNGs and look) and
// checked: the chart fits its box (never sideways, text never below 12 px, no two boxes overlap), no text of the
// chart, the tokens or the detail views is cut by its container, and each screen's own promises hold.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { drawn, launch, openApp, settled, waitForRuns } from './browser';

const OUTPUT = resolve(import.meta.dirname, '../output');

interface Screen {
  name: string;
  width: number;
  height: number;
  present?: boolean;
}
const SCREENS: Screen[] = [
  { name: 'phone-390', width: 390, height: 844 },
  { name: 'laptop-1280', width: 1280, height: 800 },
  { name: 'laptop-1366', width: 1366, height: 768 },
  { name: 'desktop-1440', width: 1440, height: 900 },
  { name: 'projector-1920', width: 1920, height: 1080, present: true },
  { name: '4k-3840', width: 3840, height: 2160 },
];

/** In the page: the chart's boxes, labels and type size, and how it sits in its box. */
function chartReport() {
  const issues: string[] = [];
  const svg = document.querySelector<SVGSVGElement>('svg.flow-chart')!;
  const box = svg.parentElement!;
  const svgRect = svg.getBoundingClientRect();
  const boxRect = box.getBoundingClientRect();
  if (svgRect.width > boxRect.width + 1) issues.push(`chart ${svgRect.width} px wide in a ${boxRect.width} px box`);
  if (box.scrollWidth > box.clientWidth + 1) issues.push('chart box scrolls sideways');
  if (document.documentElement.scrollWidth > innerWidth + 1)
    issues.push(`page ${document.documentElement.scrollWidth} px wide in a ${innerWidth} px window`);
  if (svgRect.left < boxRect.left - 1 || svgRect.right > boxRect.right + 1) issues.push('chart outside its box');
  const scale = svgRect.width / svg.viewBox.baseVal.width;
  for (const text of svg.querySelectorAll<SVGTextElement>('text')) {
    if (!text.textContent?.trim() || text.getClientRects().length === 0) continue;
    const size = parseFloat(getComputedStyle(text).fontSize) * scale;
    if (size < 11.95) issues.push(`chart text “${text.textContent}” at ${size.toFixed(1)} px`);
  }
  const nodes = [...svg.querySelectorAll<SVGGElement>('g.node')].map((node) => ({
    id: node.dataset['node']!,
    box: node.querySelector('path')!.getBoundingClientRect(),
    label: node.querySelector('text')!.getBoundingClientRect(),
  }));
  for (const { id, box: shape, label } of nodes) {
    if (label.left < shape.left - 0.5 || label.right > shape.right + 0.5) issues.push(`label of ${id} overflows its box`);
  }
  for (let i = 0; i < nodes.length; i++) {
    for (let j = i + 1; j < nodes.length; j++) {
      const a = nodes[i]!.box;
      const b = nodes[j]!.box;
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom)
        issues.push(`${nodes[i]!.id} overlaps ${nodes[j]!.id}`);
    }
  }
  return { issues, arrangement: svg.dataset['arrangement'], scale };
}

/** In the page: every text under `selectors` that its container cuts. A container cuts what sticks out of it
 * (overflow other than visible, or an SVG's edge). A box that scrolls down may cut what is scrolled away from its
 * top or bottom (that is what scrolling is for); sideways, only a box that says it scrolls (data-overflows, shown
 * with a hint) may. Text scrolled wholly out of a box is not looked at further up. */
function clippedTexts(selectors: string[]) {
  const issues: string[] = [];
  const shown = (element: Element) => element.getClientRects().length > 0 && getComputedStyle(element).visibility !== 'hidden';
  const checkRect = (box: DOMRect, from: Node, what: string) => {
    if (box.width === 0 || box.height === 0) return;
    // What is left visible of the text, as each scroll box around it cuts it (to compare with the boxes further up).
    const rect = { left: box.left, right: box.right, top: box.top, bottom: box.bottom };
    let scrolledAway = false;
    for (let ancestor = from.parentElement as Element | null; ancestor && ancestor !== document.body; ancestor = ancestor.parentElement) {
      const style = getComputedStyle(ancestor);
      const isSvg = ancestor instanceof SVGSVGElement;
      const clipsX = isSvg ? style.overflow !== 'visible' : style.overflowX !== 'visible';
      const clipsY = isSvg ? style.overflow !== 'visible' : style.overflowY !== 'visible';
      if (!clipsX && !clipsY) continue;
      const outer = ancestor.getBoundingClientRect();
      // (client sizes are in the box's own pixels, rectangles on screen: presentation zooms the page.)
      const zoom = (ancestor as Element & { currentCSSZoom?: number }).currentCSSZoom ?? 1;
      const left = outer.left + (isSvg ? 0 : ancestor.clientLeft * zoom);
      const top = outer.top + (isSvg ? 0 : ancestor.clientTop * zoom);
      const right = isSvg ? outer.right : left + ancestor.clientWidth * zoom;
      const bottom = isSvg ? outer.bottom : top + ancestor.clientHeight * zoom;
      const scrolls = (value: string) => value === 'auto' || value === 'scroll';
      const sideways = ancestor instanceof HTMLElement && ancestor.dataset['overflows'] === 'true';
      const name = `${ancestor.tagName.toLowerCase()}.${[...ancestor.classList].join('.')}`;
      const outX = rect.right <= left || rect.left >= right;
      const outY = rect.bottom <= top || rect.top >= bottom;
      if (clipsX && !(sideways && scrolls(style.overflowX))) {
        if ((rect.left < left - 1 || rect.right > right + 1) && !(outX && scrolls(style.overflowX)))
          issues.push(`“${what}” cut at the side by ${name}`);
      }
      if (clipsY && !scrolls(style.overflowY)) {
        if (rect.top < top - 1 || rect.bottom > bottom + 1) issues.push(`“${what}” cut at the top or bottom by ${name}`);
      }
      // Scrolled out of view: hidden by scrolling, not cut (the boxes around it are not asked).
      if ((outX && scrolls(style.overflowX)) || (outY && scrolls(style.overflowY))) {
        scrolledAway = true;
        break;
      }
      if (scrolls(style.overflowX)) [rect.left, rect.right] = [Math.max(rect.left, left), Math.min(rect.right, right)];
      if (scrolls(style.overflowY)) [rect.top, rect.bottom] = [Math.max(rect.top, top), Math.min(rect.bottom, bottom)];
    }
    if (!scrolledAway && (rect.right > innerWidth + 1 || rect.left < -1)) issues.push(`“${what}” runs off the page`);
  };
  for (const root of selectors.flatMap((selector) => [...document.querySelectorAll(selector)])) {
    // SVG text: each text element as a whole.
    for (const text of root.querySelectorAll<SVGTextElement>('svg text')) {
      if (!text.textContent?.trim() || !shown(text) || text.closest('details:not([open]), defs, title')) continue;
      checkRect(text.getBoundingClientRect(), text, text.textContent.trim());
    }
    // HTML text: each text node's own boxes.
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (
        !parent ||
        !node.textContent?.trim() ||
        parent.closest('svg, script, style, option, select, details:not([open]) > :not(summary), .visually-hidden, .katex-mathml') ||
        !shown(parent)
      )
        continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      // (From the text node itself, so its own element, when it hides what overflows, is asked too.)
      for (const rect of range.getClientRects()) checkRect(rect, node, node.textContent.trim().slice(0, 40));
    }
    // Text cut short with an ellipsis counts as cut, too.
    for (const element of root.querySelectorAll<HTMLElement>('*')) {
      if (getComputedStyle(element).textOverflow === 'ellipsis' && element.scrollWidth > element.clientWidth + 1)
        issues.push(`“${element.textContent?.slice(0, 40)}” ends in an ellipsis`);
    }
  }
  return [...new Set(issues)];
}

/** In the page, in presentation mode: the chart above the caption bar, the caption in the window, the active box in
 * the chart's area (it follows the box), no box running past the chart's sides. */
function presentationFit() {
  const area = document.querySelector('#flow-chart')!.getBoundingClientRect();
  const caption = document.querySelector('[data-testid=caption]')!.getBoundingClientRect();
  const active = document.querySelector('svg.flow-chart g.node.active')!.getBoundingClientRect();
  const boxes = [...document.querySelectorAll('svg.flow-chart g.node')].map((node) => ({
    id: (node as SVGGElement).dataset['node'],
    rect: node.getBoundingClientRect(),
  }));
  return {
    chartAboveCaption: area.bottom <= caption.top + 1 && area.top >= 0,
    captionInWindow: caption.bottom <= innerHeight + 1,
    activeInChart: active.top >= area.top - 1 && active.bottom <= area.bottom + 1,
    sideways: boxes.filter(({ rect }) => rect.left < area.left - 1 || rect.right > area.right + 1).map(({ id }) => id),
  };
}
const FITS = { chartAboveCaption: true, captionInWindow: true, activeInChart: true, sideways: [] };

/** In the page: the detail column's type. `column` is its base size (what its text is sized from), `view` its
 * pictures' label size (--view-text), `smallest` its smallest HTML text (formulas aside: KaTeX sets its own scale). */
function detailType() {
  const column = document.querySelector<HTMLElement>('section.right')!;
  const px = (element: Element) => parseFloat(getComputedStyle(element).fontSize);
  let smallest = Infinity;
  let where = '';
  const walker = document.createTreeWalker(column, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (
      !parent ||
      !node.textContent?.trim() ||
      parent.closest('svg, .katex, .visually-hidden, details:not([open]) > :not(summary)') ||
      parent.getClientRects().length === 0
    )
      continue;
    if (px(parent) < smallest)
      [smallest, where] = [
        px(parent),
        `${parent.tagName.toLowerCase()}.${[...parent.classList].join('.')} “${node.textContent.trim().slice(0, 30)}”`,
      ];
  }
  return {
    column: px(column),
    root: px(document.documentElement),
    smallest,
    where,
    view: parseFloat(getComputedStyle(column).getPropertyValue('--view-text')) || 12,
  };
}

/** Checks the detail column's type: never below 12 px, never smaller than its pictures' labels; in presentation,
 * a size up from the page's (1.2 × the root's at least). */
function expectDetailType(type: Awaited<ReturnType<typeof detailType>>, present: boolean, what: string) {
  expect(type.smallest, `${what}: ${type.where}`).toBeGreaterThanOrEqual(11.95);
  expect(type.smallest, `${what}: ${type.where} beside ${type.view} px picture labels`).toBeGreaterThanOrEqual(type.view - 0.05);
  if (present) expect(type.column, what).toBeGreaterThanOrEqual(1.2 * type.root - 0.05);
}

/** In the page: the Sampling view's labels and headings shown whole (wrapped, not cut short with “…”). */
function samplingLabelsWhole() {
  const view = document.querySelector('[data-view=sampling] svg.sampling-stages')!;
  const cut = [...view.querySelectorAll('text')].filter((text) => text.textContent?.includes('…')).map((text) => text.textContent!);
  // Each candidate's label, its lines put together, is its whole token (the row's title).
  const short = [...view.querySelectorAll('g.candidate')]
    .filter((row) => {
      const shown = [...row.querySelectorAll('text.label tspan')]
        .map((tspan) => tspan.textContent)
        .join('')
        .replace(/\s/g, '');
      return shown !== row.querySelector(':scope > title')!.textContent!.replace(/\s/g, '');
    })
    .map((row) => row.querySelector(':scope > title')!.textContent!);
  return [...cut, ...short];
}

/** In the page: the attention heatmap's column labels that are turned (rotated) rather than set vertically with
 * upright CJK characters (writing-mode vertical-rl, mixed or upright orientation). */
function turnedColumnLabels() {
  const labels = [...document.querySelectorAll<SVGTextElement>('[data-view=attention] svg.heatmap g.col-labels text')];
  const turned = labels
    .filter((text) => {
      const style = getComputedStyle(text);
      return (
        /rotate/.test(text.getAttribute('transform') ?? '') ||
        !style.writingMode.startsWith('vertical') ||
        style.textOrientation === 'sideways'
      );
    })
    .map((text) => text.firstChild?.textContent ?? '');
  return { count: labels.length, cjk: labels.filter((text) => /[\u3400-\u9fff]/.test(text.firstChild?.textContent ?? '')).length, turned };
}

/** In the page: controls (buttons, selects, inputs) that run past the panel they are in, as a select wider than
 * its column does (its text is not a text node the clipping check sees). A control in a box that scrolls sideways
 * is that box's business. */
function controlsOutside(selectors: string[]) {
  const issues: string[] = [];
  for (const panel of selectors.flatMap((selector) => [...document.querySelectorAll<HTMLElement>(selector)])) {
    const edge = panel.getBoundingClientRect();
    for (const control of panel.querySelectorAll<HTMLElement>('button, select, input, textarea, summary')) {
      if (control.getClientRects().length === 0 || control.closest('.visually-hidden')) continue;
      let scrolled = false;
      for (let box = control.parentElement; box && box !== panel; box = box.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(box).overflowX)) scrolled = true;
      }
      const rect = control.getBoundingClientRect();
      if (!scrolled && (rect.right > edge.right + 1 || rect.left < edge.left - 1)) {
        issues.push(
          `${control.tagName.toLowerCase()} “${(control.textContent || control.getAttribute('aria-label') || control.getAttribute('name') || '').trim().slice(0, 30)}” runs past its panel (${Math.round(rect.right)} > ${Math.round(edge.right)})`,
        );
      }
    }
  }
  return issues;
}

/** Plays `count` boxes forward from where playback is, a frame at a time, as the learner watches. */
async function stepForward(page: Page, count: number) {
  for (let i = 0; i < count; i++) {
    await page.evaluate(() => window.__flow!.playback.forward());
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
  }
  await settled(page);
}

describe('every screen, in both languages', () => {
  let browser: Browser;
  /** The detail column's type size on each screen (px), to compare the projector's with the laptop's. */
  const columnType = new Map<string, number>();

  beforeAll(async () => {
    browser = await launch();
    await mkdir(OUTPUT, { recursive: true });
  });
  afterAll(async () => browser?.close());

  for (const lang of ['en', 'zh-CN'] as const) {
    for (const screen of SCREENS) {
      it(`${screen.name} (${lang}): the chart fits, nothing is cut off`, async () => {
        const page = await openApp(browser, {
          backend: 'wasm',
          lang,
          viewport: { width: screen.width, height: screen.height },
          query: { max: '4', t: '0', ...(screen.present ? { present: '1' } : {}) },
        });
        await waitForRuns(page, 1);
        const file = (part: string) => resolve(OUTPUT, `${screen.name}-${lang}-${part}.png`);
        // A box of the second layer's attention, its values beside it; the views at that layer.
        await page.evaluate(() => {
          const flow = window.__flow!;
          flow.player.pause();
          flow.playback.jumpToLayer(1);
          for (let i = 0; i < 4; i++) flow.playback.forward();
        });
        // The playing box's detail open above the views (a click on it, as a learner would), so its text is checked.
        await page.evaluate(() =>
          document.querySelector('svg.flow-chart g.node.active')!.dispatchEvent(new MouseEvent('click', { bubbles: true })),
        );
        await settled(page);
        // (On a phone the box's explanation opens in a sheet over the chart, where the learner tapped.)
        const detailIn = screen.width <= 720 ? '[data-testid=detail-sheet]' : 'section.right';
        expect(await page.locator(`${detailIn} section.detail`).count()).toBe(1);
        expect(await page.evaluate(clippedTexts, [detailIn])).toEqual([]);
        if (screen.width <= 720) await page.locator('[data-testid=detail-sheet] button.close').click();

        const chart = await page.evaluate(chartReport);
        expect(chart.issues).toEqual([]);
        expect(await page.evaluate(clippedTexts, ['section.centre', 'section.right'])).toEqual([]);
        expect(await page.evaluate(controlsOutside, ['aside.left', 'section.centre', 'aside.models', 'section.right'])).toEqual([]);
        await page.screenshot({ path: file('page'), fullPage: !screen.present });

        if (screen.present) {
          // One column in the slide's type, following the playing box above the caption bar; after End, End on screen.
          expect(chart.arrangement).toBe('one');
          const inWindow = () => page.evaluate(presentationFit);
          expect(await inWindow()).toEqual(FITS);
          // The detail views follow the box the chart plays: its view, its layer.
          await expect(page.locator('[data-view=attention]').getAttribute('data-layer')).resolves.toBe('1');
          // Heatmap labels readable on the projector.
          const labelSize = await page.evaluate(() => {
            const text = document.querySelector('[data-view=attention] svg.heatmap g.row-labels text')!;
            const svg = text.closest('svg')!;
            return parseFloat(getComputedStyle(text).fontSize) * (svg.getBoundingClientRect().width / svg.viewBox.baseVal.width);
          });
          expect(labelSize).toBeGreaterThanOrEqual(14);
          await page.evaluate(() => window.__flow!.playback.toEnd());
          await settled(page);
          expect(await page.locator('.flow').getAttribute('data-node')).toBe('end');
          expect(await inWindow()).toEqual(FITS);
          await page.screenshot({ path: file('end') });
        } else {
          // Two or three columns wherever they fit at a readable size: laptops and up.
          if (screen.width >= 1280) expect(chart.arrangement).not.toBe('one');
          // The active box stays on screen (not under the caption bar) while the chart plays on.
          await page.evaluate(() => {
            const flow = window.__flow!;
            flow.playback.restart();
            document.getElementById('chart-title')!.scrollIntoView();
          });
          await settled(page);
          await stepForward(page, 30);
          const active = await page.evaluate(() => {
            const rect = document.querySelector('svg.flow-chart g.node.active')!.getBoundingClientRect();
            const caption = document.querySelector('[data-testid=caption]')!.getBoundingClientRect();
            return { top: rect.top, bottom: rect.bottom, limit: Math.min(innerHeight, caption.top) };
          });
          expect(active.top).toBeGreaterThanOrEqual(0);
          expect(active.bottom).toBeLessThanOrEqual(active.limit + 1);
        }

        if (screen.width <= 430) {
          // Phone: the prompt with Generate, then the output; the settings and other models folded away.
          const order = await page.evaluate(() => {
            const top = (selector: string) => document.querySelector(selector)!.getBoundingClientRect().top + scrollY;
            return {
              generateBeforeChart: top('[data-action=generate]') < top('svg.flow-chart'),
              chartBeforeModels: top('svg.flow-chart') < top('section.model'),
              settingsFolded: !document.querySelector<HTMLDetailsElement>('details.settings-box')!.open,
              hubFolded: !document.querySelector<HTMLDetailsElement>('details.fold')!.open,
            };
          });
          expect(order).toEqual({ generateBeforeChart: true, chartBeforeModels: true, settingsFolded: true, hubFolded: true });
          // Touch targets at least 24 × 24 px, token ids at least 12 px; open every fold first.
          const small = await page.evaluate(() => {
            for (const details of document.querySelectorAll('details')) details.open = true;
            const controls = [...document.querySelectorAll<HTMLElement>('button, select, input, summary, a[href]')].filter(
              (element) =>
                element.getClientRects().length > 0 &&
                !element.classList.contains('visually-hidden') &&
                !element.closest('.visually-hidden, .skip-link'),
            );
            const tooSmall = controls
              .filter((element) => {
                const rect = element.getBoundingClientRect();
                return rect.width < 24 || rect.height < 24;
              })
              .map(
                (element) =>
                  `${element.tagName.toLowerCase()}${element.getAttribute('type') ? `[${element.getAttribute('type')}]` : ''} “${(element.textContent || element.getAttribute('aria-label') || element.getAttribute('name') || '').trim().slice(0, 30)}” ${Math.round(element.getBoundingClientRect().width)}×${Math.round(element.getBoundingClientRect().height)}`,
              );
            const ids = [...document.querySelectorAll('ol.chips .id')].map((element) => parseFloat(getComputedStyle(element).fontSize));
            return { tooSmall, smallestId: Math.min(...ids) };
          });
          expect(small.tooSmall).toEqual([]);
          expect(small.smallestId).toBeGreaterThanOrEqual(12);
          await page.evaluate(() => {
            for (const details of document.querySelectorAll<HTMLDetailsElement>('details.settings-box, details.fold')) details.open = false;
          });
        }

        // The token chips' box shows whole rows: no chip is cut at its bottom edge.
        if (!screen.present) {
          const cut = await page.evaluate(() => {
            const list = document.querySelector('ol.chips')!;
            const box = list.getBoundingClientRect();
            return [...list.children].filter((chip) => {
              const rect = chip.getBoundingClientRect();
              return rect.top < box.bottom - 1 && rect.bottom > box.bottom + 1;
            }).length;
          });
          expect(cut).toBe(0);
        }

        // Each detail view at this width: nothing cut; a screenshot of the panel.
        for (const tab of ['sampling', 'tokens', 'mlp', 'lens', 'embedding', 'cache', 'patching', 'compare', 'attention'] as const) {
          await page.click(`button[data-tab=${tab}]`);
          await settled(page);
          expect(await page.evaluate(clippedTexts, ['section.right']), `${tab} view`).toEqual([]);
          expect(await page.evaluate(controlsOutside, ['section.right']), `${tab} view`).toEqual([]);
          const type = await page.evaluate(detailType);
          expectDetailType(type, !!screen.present, `${tab} view`);
          if (tab === 'sampling') {
            expect(await page.evaluate(samplingLabelsWhole), 'sampling labels cut short').toEqual([]);
            columnType.set(`${screen.name}-${lang}`, type.column);
            // A projector's detail text is larger than a laptop's.
            const laptop = columnType.get(`laptop-1280-${lang}`);
            if (screen.present && laptop) expect(type.column).toBeGreaterThan(1.3 * laptop);
          }
          if (tab === 'attention') {
            const labels = await page.evaluate(turnedColumnLabels);
            expect(labels.count).toBeGreaterThan(0);
            expect(labels.turned).toEqual([]);
            // The Chinese prompt's labels are Chinese characters (so their being upright is what was checked).
            if (lang === 'zh-CN') expect(labels.cjk).toBeGreaterThan(0);
          }
          if (['sampling', 'attention', 'tokens'].includes(tab)) {
            // (In presentation the column scrolls in the window: the view, not the box's detail above it, in the picture.)
            if (screen.present)
              await page.evaluate(() => document.querySelector('section.right section.views')!.scrollIntoView({ block: 'start' }));
            await page.locator('section.right').screenshot({ path: file(`view-${tab}`) });
          }
        }
        // Tokens shown honestly: no "�" anywhere; the raw BPE alphabet (Ġ, ä»…) only behind its explanation.
        expect(await page.evaluate(() => document.body.innerText.includes('\ufffd'))).toBe(false);
        await page.click('button[data-tab=tokens]');
        const rawShown = () =>
          page.evaluate(() => ({
            pieces: document.querySelectorAll('[data-view=tokens] td.piece').length,
            explained: document.querySelector('[data-view=tokens] [data-explain=stored-as]') !== null,
            // Ġ (a space) or a byte written as a Latin-1 letter (ä, å, ç… stand for the bytes of CJK characters).
            rawInTable: /[\u0100-\u0143\u00c0-\u00ff]/.test(document.querySelector<HTMLElement>('[data-view=tokens] table')!.innerText),
          }));
        expect(await rawShown()).toEqual({ pieces: 0, explained: false, rawInTable: false });
        await page.locator('[data-view=tokens] input[data-pick=stored-as]').check();
        const raw = await rawShown();
        expect(raw.pieces).toBeGreaterThan(0);
        expect(raw).toMatchObject({ explained: true, rawInTable: true });
        await page.locator('[data-view=tokens] input[data-pick=stored-as]').uncheck();
        // Two sliders that say the same thing are one too many.
        await page.click('button[data-tab=sampling]');
        const stepSliders = await page
          .locator('section.right input[type=range]')
          .evaluateAll((inputs) => inputs.map((input) => input.closest('label')?.textContent?.trim() ?? ''));
        expect(new Set(stepSliders).size).toBe(stepSliders.length);
        await page.close();
      }, 300_000);
    }
  }

  it('presentation mode on a small projector (1280 × 720) and a 4K one (3840 × 2160): the chart follows the playing box above the caption', async () => {
    for (const [lang, viewport] of [
      ['en', { width: 1280, height: 720 }],
      ['zh-CN', { width: 3840, height: 2160 }],
    ] as const) {
      const page = await openApp(browser, { backend: 'wasm', lang, viewport, query: { max: '2', t: '0', present: '1' } });
      await waitForRuns(page, 1);
      await page.evaluate(() => {
        const flow = window.__flow!;
        flow.player.pause();
        flow.playback.jumpToLayer(1);
      });
      await page.evaluate(() =>
        document.querySelector('svg.flow-chart g.node.active')!.dispatchEvent(new MouseEvent('click', { bubbles: true })),
      );
      await settled(page);
      // (The picture first: when a check fails, it shows why.)
      await page.screenshot({ path: resolve(OUTPUT, `present-${viewport.width}-${lang}-page.png`) });
      const chart = await page.evaluate(chartReport);
      expect(chart.issues, `${viewport.width}`).toEqual([]);
      await settled(page);
      expect(await page.evaluate(presentationFit), `${viewport.width}`).toEqual(FITS);
      expect(await page.evaluate(clippedTexts, ['section.centre', 'section.right']), `${viewport.width}`).toEqual([]);
      expectDetailType(await page.evaluate(detailType), true, `${viewport.width}`);
      await page.evaluate(() => window.__flow!.playback.toEnd());
      await settled(page);
      expect(await page.evaluate(presentationFit), `${viewport.width} at End`).toEqual(FITS);
      await page.close();
    }
  }, 300_000);

  it('the checks can fail: a label really cut, a box really overlapping, a chart really too wide are found', async () => {
    const page = await openApp(browser, {
      backend: 'wasm',
      lang: 'zh-CN',
      viewport: { width: 1280, height: 800 },
      query: { max: '2', t: '0' },
    });
    await waitForRuns(page, 1);
    await page.evaluate(() => window.__flow!.player.pause());
    await page.click('button[data-tab=attention]');
    await drawn(page);
    expect(await page.evaluate(clippedTexts, ['section.right'])).toEqual([]);
    // A heading squeezed into a box that hides what sticks out; an axis label pushed past its picture's left edge;
    // a caption cut short with an ellipsis.
    await page.addStyleTag({ content: '[data-view=attention] h3 { width: 60px; white-space: nowrap; overflow: hidden; }' });
    await page.evaluate(() => {
      const label = document.querySelector<SVGTextElement>('[data-view=attention] svg.heatmap g.row-labels text')!;
      label.setAttribute('x', '-400');
      const hint = document.querySelector<HTMLElement>('[data-view=attention] p.muted')!;
      Object.assign(hint.style, { width: '50px', whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' });
    });
    await page.evaluate(() =>
      document.querySelector<HTMLElement>('[data-view=attention] select[data-pick=show]')!.style.setProperty('width', '900px'),
    );
    expect((await page.evaluate(controlsOutside, ['section.right'])).some((issue) => issue.startsWith('select'))).toBe(true);
    await page.evaluate(() =>
      document.querySelector<HTMLElement>('[data-view=attention] select[data-pick=show]')!.style.removeProperty('width'),
    );
    const found = await page.evaluate(clippedTexts, ['section.right']);
    expect(found.some((issue) => issue.includes('cut at the side by h3'))).toBe(true);
    expect(found.some((issue) => issue.includes('cut at the side by svg'))).toBe(true);
    expect(found.some((issue) => issue.includes('ends in an ellipsis'))).toBe(true);
    // The chart: a box moved onto its neighbour, a label longer than its box, the chart wider than its column.
    expect((await page.evaluate(chartReport)).issues).toEqual([]);
    await page.evaluate(() => {
      const node = document.querySelector<SVGGElement>('svg.flow-chart g.node[data-node=tokenize]')!;
      node.setAttribute('transform', `${node.getAttribute('transform') ?? ''} translate(0, 20)`);
      node.querySelector('text')!.textContent = 'a label far too long for the box it is written in';
      const svg = document.querySelector<SVGSVGElement>('svg.flow-chart')!;
      svg.style.setProperty('width', '3000px', 'important');
      svg.style.setProperty('max-width', 'none', 'important');
    });
    const chart = (await page.evaluate(chartReport)).issues.join('\n');
    expect(chart).toMatch(/tokenize overlaps|overlaps tokenize/);
    expect(chart).toContain('label of tokenize overflows its box');
    expect(chart).toMatch(/chart \d+(\.\d+)? px wide in a \d+ px box/);
    await page.close();
  }, 300_000);

  it('a long prompt: the attention heatmap fits its panel, zooms, and keeps the chosen query in view', async () => {
    const long = Array.from({ length: 12 }, () => 'Lily had a red ball. She liked to play with it in the park every day.').join(' ');
    const page = await openApp(browser, {
      backend: 'wasm',
      lang: 'zh-CN',
      viewport: { width: 1280, height: 800 },
      query: { prompt: long, max: '1', t: '0' },
    });
    await waitForRuns(page, 1);
    await page.click('button[data-tab=attention]');
    await drawn(page);
    const fitted = await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('.heatmap-box')!;
      const svg = box.querySelector('svg')!;
      return { svg: svg.getBoundingClientRect().width, box: box.clientWidth, n: window.__flow!.runs.trace!.tokens.length };
    });
    expect(fitted.n).toBeGreaterThan(150);
    expect(fitted.svg).toBeLessThanOrEqual(fitted.box + 1);
    expect(await page.evaluate(clippedTexts, ['section.right'])).toEqual([]);
    // Zoomed in, the selected query's row is inside the scroll box.
    const options = await page
      .locator('select[data-pick=zoom] option')
      .evaluateAll((list) => list.map((option) => (option as HTMLOptionElement).value));
    expect(options.length).toBeGreaterThan(1);
    await page.locator('select[data-pick=zoom]').selectOption(options[options.length - 1]!);
    await settled(page);
    const inView = await page.evaluate(() => {
      const box = document.querySelector<HTMLElement>('.heatmap-box')!.getBoundingClientRect();
      const outline = document.querySelector('.heatmap-box rect.row-outline')!.getBoundingClientRect();
      // The query's own row label stays beside it, however far the matrix is scrolled.
      const label = document.querySelector('.heatmap-box g.row-labels text.marked')!.getBoundingClientRect();
      return {
        row: outline.top >= box.top - 1 && outline.top <= box.bottom,
        label: label.left >= box.left - 1 && label.right <= box.right + 1 && label.top >= box.top - 1 && label.bottom <= box.bottom + 1,
      };
    });
    expect(inView).toEqual({ row: true, label: true });
    await page.locator('section.right').screenshot({ path: resolve(OUTPUT, 'long-prompt-zh-CN-attention.png') });
    await page.close();
  }, 300_000);
});
