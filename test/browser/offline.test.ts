// The installed-app promise: after one visit, the app reloads and generates with the network off.
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { launch, waitForRuns } from './browser';

describe('offline PWA', () => {
  it('after one visit, reloads and generates with the network off (service worker, cached model)', async () => {
    const browser = await launch();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${inject('baseUrl')}?debug=1&lang=en&backend=wasm&max=5`);
      await waitForRuns(page, 1);
      await page.waitForSelector('[data-offline=stored]', { timeout: 60_000 });
      await page.evaluate(() => navigator.serviceWorker.ready);
      const manifest = await page.evaluate(async () => (await fetch('/manifest.webmanifest')).json());
      expect(manifest.name).toContain('透视 Transformer');
      expect(manifest.icons.some((icon: { sizes: string }) => icon.sizes === '512x512')).toBe(true);

      await context.setOffline(true);
      await page.reload();
      await waitForRuns(page, 1);
      await expect(page.locator('[data-testid=status]').getAttribute('data-stop')).resolves.toBe('max-tokens');
      const steps = await page.evaluate(() => window.__flow!.runs.trace!.steps.length);
      expect(steps).toBe(5);
      await expect(page.evaluate(() => crossOriginIsolated)).resolves.toBe(true);
      // (Checked once the page has looked into its cache again, which it does after the model loads.)
      await page.waitForSelector('[data-offline=stored]', { timeout: 30_000 });
      await context.close();
    } finally {
      await browser.close();
    }
  });
});
