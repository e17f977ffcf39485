// Accessibility of the built app: axe-core finds no serious or critical violation in either language,
// a skip link leads to the chart, every control is reachable by keyboard, and playback pauses while a keyboard
// user is in the controls.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { appUrl, drawn, launch, openApp, settled, waitForRuns, type OpenOptions } from './browser';

/** As openApp, in a context of its own: axe opens a second page in the page's context, which a page made by
 * browser.newPage() cannot do ("Please use browser.newContext()"). Closing the page closes its context. */
async function openForAxe(browser: Browser, options: OpenOptions): Promise<Page> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('close', () => void context.close().catch(() => {}));
  await page.goto(appUrl(options));
  return page;
}

/** axe's serious and critical findings, one line each (rule, element, what is wrong). */
async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    // The visible text of a control is part of its name (WCAG 2.5.3): an "experimental" rule, asked for here.
    .options({ rules: { 'label-content-name-mismatch': { enabled: true } } })
    .analyze();
  return results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .flatMap((violation) =>
      violation.nodes.map(
        (node) => `${violation.id}: ${node.target.join(' ')} — ${node.failureSummary?.split('\n')[1]?.trim() ?? violation.help}`,
      ),
    );
}

describe('accessibility', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launch();
  });
  afterAll(async () => browser?.close());

  for (const lang of ['en', 'zh-CN'] as const) {
    // Each view and the tokenizer lab in English; in Chinese the first screen, a box's detail and the phone layout
    // (the views are built the same way in both languages: a second pass cost CI two minutes).
    it(`axe-core (${lang}): no serious or critical violation, on the first screen, a box's detail${lang === 'en' ? ' and each view' : ''}`, async () => {
      const page = await openForAxe(browser, {
        backend: 'wasm',
        lang,
        viewport: { width: 1280, height: 800 },
        query: { max: '4', t: '0' },
      });
      await waitForRuns(page, 1);
      await page.evaluate(() => window.__flow!.player.pause());
      await drawn(page);
      const found: string[] = [...(await seriousViolations(page))];
      await page.locator('g.node[data-node=softmax]').click();
      await page.waitForSelector('[data-detail=softmax] .katex');
      for (const tab of lang === 'en' ? ['tokens', 'embedding', 'mlp', 'lens', 'sampling', 'cache', 'patching', 'compare'] : []) {
        await page.click(`button[data-tab=${tab}]`);
        await drawn(page);
        found.push(...(await seriousViolations(page)).map((line) => `[${tab}] ${line}`));
      }
      // What if (English, as the views): heads zeroed and replaced by their mean, run B, and the views on B − A.
      if (lang === 'en') {
        await page.click('[data-view=compare] button[data-head="0.0"]');
        await page.click('[data-view=compare] button[data-head="1.2"]');
        await page.click('[data-view=compare] button[data-head="1.2"]');
        await page.click('[data-action=run-b]');
        await page.waitForFunction(() => window.__flow!.whatIf.b.completedRuns > 0 && !window.__flow!.whatIf.busy, null, {
          timeout: 120_000,
        });
        await drawn(page);
        found.push(...(await seriousViolations(page)).map((line) => `[compare, B] ${line}`));
        for (const tab of ['attention', 'lens', 'sampling']) {
          await page.click(`button[data-tab=${tab}]`);
          await page.click('[data-show-run=difference]');
          await drawn(page);
          found.push(...(await seriousViolations(page)).map((line) => `[${tab}, B − A] ${line}`));
        }
        await page.click('[data-show-run=a]');
      }
      // The tokenizer lab, once every tokenizer has split the text.
      if (lang === 'en') {
        await page.click('button[data-tab=tokenizers]');
        await page.waitForFunction(
          () => {
            const cards = [...document.querySelectorAll('[data-view=tokenizers] section.card')];
            return cards.length > 0 && cards.every((card) => card.getAttribute('data-status') === 'done');
          },
          null,
          { timeout: 150_000 },
        );
        found.push(...(await seriousViolations(page)).map((line) => `[tokenizers] ${line}`));
      }
      expect([...new Set(found)]).toEqual([]);
      // The check can fail: a button without a name is found (a critical violation), and taken away again.
      await page.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { id: 'axe-control' })));
      expect((await seriousViolations(page)).some((line) => line.startsWith('button-name') && line.includes('#axe-control'))).toBe(true);
      await page.evaluate(() => document.getElementById('axe-control')!.remove());
      // …and on a phone, with the folds open, and in presentation mode.
      const phone = await openForAxe(browser, {
        backend: 'wasm',
        lang,
        viewport: { width: 390, height: 844 },
        query: { max: '2', t: '0' },
      });
      await waitForRuns(phone, 1);
      await phone.evaluate(() => {
        window.__flow!.player.pause();
        for (const details of document.querySelectorAll('details')) details.open = true;
      });
      expect(await seriousViolations(phone)).toEqual([]);
      await phone.keyboard.press('f');
      await settled(phone);
      expect(await seriousViolations(phone)).toEqual([]);
      await phone.close();
      await page.close();
    }, 300_000);
  }

  it('a skip link leads past the controls to the chart; “Open a folder” is reached by keyboard', async () => {
    const page = await openApp(browser, {
      backend: 'wasm',
      lang: 'zh-CN',
      viewport: { width: 1280, height: 800 },
      query: { max: '2', t: '0' },
    });
    await waitForRuns(page, 1);
    await page.evaluate(() => window.__flow!.player.pause());
    await page.keyboard.press('Tab');
    const skip = await page.evaluate(() => {
      const link = document.activeElement as HTMLAnchorElement;
      const rect = link.getBoundingClientRect();
      return {
        action: link.dataset['action'],
        text: link.textContent,
        visible: rect.top >= 0 && rect.bottom <= innerHeight && rect.width > 0,
      };
    });
    expect(skip).toEqual({ action: 'skip-to-chart', text: '跳到程序流程图', visible: true });
    await page.keyboard.press('Enter');
    await expect(page.evaluate(() => document.activeElement?.id)).resolves.toBe('flow-chart');
    // The next Tab goes to the chart's first box.
    await page.keyboard.press('Tab');
    await expect(page.evaluate(() => (document.activeElement as SVGGElement | null)?.dataset?.['node'])).resolves.toBe('start');
    // Tab on until the folder picker (the browser's file input, drawn as a button in the page's language).
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    let reached = false;
    for (let i = 0; i < 200 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement?.getAttribute('data-control') === 'local-folder');
    }
    expect(reached).toBe(true);
    const picker = await page.evaluate(() => {
      const label = document.activeElement!.closest('label')!;
      return { text: label.textContent?.trim(), outline: getComputedStyle(label.querySelector('.button')!).outlineStyle };
    });
    expect(picker).toEqual({ text: '打开文件夹', outline: 'solid' });
    await expect(page.locator('section.local').textContent()).resolves.not.toMatch(/Choose Files|No file chosen/);
    await page.close();
  });

  it('playback pauses when a keyboard user tabs into the controls, and plays on when asked there', async () => {
    const page = await openApp(browser, { backend: 'wasm', viewport: { width: 1280, height: 800 }, query: { max: '3', t: '0' } });
    await waitForRuns(page, 1);
    const playing = () => page.evaluate(() => window.__flow!.player.playing as boolean);
    await page.evaluate(() => {
      const flow = window.__flow!;
      flow.player.speed = 0.5;
      flow.playback.restart();
      flow.player.play();
    });
    expect(await playing()).toBe(true);
    // The playback controls come just before the chart's boxes: Shift+Tab from the first box enters them.
    await page.evaluate(() => document.querySelector<SVGGElement>('svg.flow-chart g.node[data-node=start]')!.focus());
    expect(await playing()).toBe(true);
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset['playback'])).toBe('pause-each');
    expect(await playing()).toBe(false);
    // Play pressed from the keyboard inside the controls plays, and moving on within them does not pause again.
    await page.locator('button[data-playback=toggle]').focus();
    await page.keyboard.press('Enter');
    expect(await playing()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await playing()).toBe(true);
    // Tabbing into the prompt and settings pauses too.
    await page.evaluate(() => (document.activeElement as HTMLElement).blur());
    await page.locator('[data-action=language]').focus();
    await page.keyboard.press('Tab'); // the prompt box
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('prompt-input');
    expect(await playing()).toBe(false);
    await page.close();
  });
});
