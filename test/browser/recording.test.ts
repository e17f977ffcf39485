// A recorded run opened from its file: a Llama run exported from one page opens in another page that holds only the
// GPT-2 model, with the network off; it plays, its numbers are the file's, it says it is a recording and what needs
// its model is off; a file that is not a run is refused in words and the run on screen stays.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { launch, openApp, settled, waitForRuns } from './browser';

describe('a recorded run', () => {
  let browser: Browser;
  let folder: string;
  beforeAll(async () => {
    browser = await launch();
    folder = await mkdtemp(join(tmpdir(), 'recording-'));
  });
  afterAll(async () => {
    await browser?.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('opens without its model, offline: it plays, shows the file’s numbers, and says what it is', async () => {
    // The run to record: the Llama model, greedy, four tokens.
    const source = await openApp(browser, {
      backend: 'wasm',
      lang: 'zh-CN',
      query: { model: '/models/flow-llama-tiny', max: '4', t: '0', prompt: '小明有一只猫。小明' },
    });
    await waitForRuns(source, 1);
    const text = await source.evaluate(() => window.__flow!.exportTrace(window.__flow!.runs.trace!));
    // What the live run's next-token panel shows at its first step, to compare with the recording's.
    await source.evaluate(() => {
      window.__flow!.player.pause();
      window.__flow!.playback.jumpToStep(0);
    });
    await settled(source);
    const liveBars = await source.locator('[data-testid=next-token] .bars g.bar text.value').allTextContents();
    await source.close();
    const file = join(folder, 'llama-run.json');
    await writeFile(file, text);
    const recorded = JSON.parse(text);

    // A page with the GPT-2 model only, then no network at all.
    const page = await openApp(browser, { backend: 'wasm', lang: 'zh-CN', query: { max: '2', t: '0' } });
    await waitForRuns(page, 1);
    await page.context().setOffline(true);
    const before = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.locator('input[data-control=open-run]').setInputFiles(file);
    await waitForRuns(page, before + 1);

    await page.screenshot({ path: join(import.meta.dirname, '../output/recording-zh-CN.png') });
    // It says it is a recording, of which model, and that what needs that model is off.
    const banner = await page.locator('[data-testid=recording]').textContent();
    expect(banner).toContain('llama-run.json');
    expect(banner).toContain('flow-llama-tiny');
    expect(banner).toContain('需要重新计算的功能都已关闭');
    // The chart is the Llama program (RoPE), the text the recorded one.
    await expect(page.locator('svg.flow-chart g.node[data-node=rope]').count()).resolves.toBe(1);
    const shown = (await page.evaluate(() => window.__flow!.runs.trace))!;
    expect(shown.modelName).toBe('flow-llama-tiny');
    expect(shown.tokens.map((token: { id: number }) => token.id)).toEqual(recorded.tokens.map((token: { id: number }) => token.id));
    // A view's numbers are the file's: the first layer's attention pattern, as the page assembles it.
    const pattern = await page.evaluate(() =>
      Array.from(window.__flow!.assembled(window.__flow!.runs.trace!, 'blocks.0.attn.hook_pattern').data as Float32Array),
    );
    const inFile = recorded.captures['blocks.0.attn.hook_pattern'].data.map((x: number | null) => x ?? 0);
    expect(pattern.length).toBe(inFile.length);
    expect(Math.max(...pattern.map((x, i) => Math.abs(x - inFile[i])))).toBeLessThan(1e-6);
    // The next-token bars at the first step are the live run's.
    expect(liveBars.length).toBeGreaterThan(0);
    await page.evaluate(() => {
      window.__flow!.player.pause();
      window.__flow!.playback.jumpToStep(0);
    });
    await expect.poll(() => page.locator('[data-testid=next-token] .bars g.bar text.value').allTextContents()).toEqual(liveBars);
    // It plays.
    await page.evaluate(() => {
      window.__flow!.playback.restart();
      window.__flow!.player.play();
    });
    await expect.poll(() => page.evaluate(() => window.__flow!.playback.index), { timeout: 20_000 }).toBeGreaterThan(3);
    await page.evaluate(() => window.__flow!.player.pause());
    // The lens needs the model's unembedding: it says so rather than reading the loaded model's.
    await page.click('button[data-tab=lens]');
    await expect(page.locator('[data-testid=lens-needs-model]').textContent()).resolves.toContain('flow-llama-tiny');
    // The KV-cache tab does not describe the loaded model's cache as the recording's.
    await page.click('button[data-tab=cache]');
    await expect(page.locator('[data-testid=cache-needs-model]').textContent()).resolves.toContain('flow-llama-tiny');
    // What if cannot run B on a model that is not here, and says so.
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-testid=needs-model]').textContent()).resolves.toContain('flow-llama-tiny');
    await expect(page.locator('[data-action=run-b]').isDisabled()).resolves.toBe(true);
    // The Python check loads the model that made the run: it says which, and offers no script of the wrong one.
    await page.click('[data-action=python]');
    await expect(page.locator('[data-testid=python-needs-model]').textContent()).resolves.toContain('flow-llama-tiny');
    await expect(page.locator('[data-action=python-script]').count()).resolves.toBe(0);

    // A file that is not a run: refused in words, and the recording stays.
    const wrong = join(folder, 'notes.json');
    await writeFile(wrong, JSON.stringify({ hello: 'world' }));
    await page.locator('input[data-control=open-run]').setInputFiles(wrong);
    await expect(page.locator('[data-testid=open-error]').textContent()).resolves.toContain('不是本应用导出的运行记录');
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-llama-tiny');
    // Generate runs the loaded model again, and the recording notice goes.
    await page.context().setOffline(false);
    const runs = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=generate]');
    await waitForRuns(page, runs + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-gpt2-tiny');
    await expect(page.locator('[data-testid=recording]').count()).resolves.toBe(0);
    // The same file dropped on the page opens as the recording again.
    const dropped = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.evaluate(
      ([contents, name]) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([contents], name, { type: 'application/json' }));
        const target = document.querySelector('.app')!;
        target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: transfer }));
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: transfer }));
      },
      [text, 'llama-run.json'] as const,
    );
    await waitForRuns(page, dropped + 1);
    await expect(page.locator('[data-testid=recording]').textContent()).resolves.toContain('llama-run.json');
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-llama-tiny');
    expect((page as any).errors).toEqual([]);
    await page.close();
  }, 240_000);

  it('Check in Python: the trace and a script that names it and the model’s files, which (with Python) agrees', async () => {
    const page = await openApp(browser, { backend: 'wasm', lang: 'zh-CN', query: { max: '5', seed: '11' } });
    await waitForRuns(page, 1);
    await page.click('[data-action=python]');
    const panel = page.locator('[data-testid=python-check]');
    await expect(panel.textContent()).resolves.toContain('pip install torch transformers onnx numpy');
    const saved = async (action: string) => {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-action=${action}]`)]);
      const path = join(folder, download.suggestedFilename());
      await download.saveAs(path);
      return { name: download.suggestedFilename(), text: await readFile(path, 'utf8'), path };
    };
    const trace = await saved('python-trace');
    const script = await saved('python-script');
    const notebook = await saved('python-notebook');
    expect(trace.name).toMatch(/^trace-flow-gpt2-tiny-A-\d+\.json$/);
    expect(script.name).toBe(`check-${trace.name.replace(/\.json$/, '')}.py`);
    expect(notebook.name).toBe(script.name.replace(/\.py$/, '.ipynb'));
    // The script reads the trace saved beside it, and fetches the model's files from where the page read them.
    expect(script.text).toContain(`TRACE_FILE = "${trace.name}"`);
    const origin = new URL(page.url()).origin;
    expect(script.text).toContain(`FILES_URL = "${origin}/models/flow-gpt2-tiny"`);
    expect(script.text).toContain('GRAPH_FILES = ["onnx/decoder_model_merged.onnx"]');
    expect(script.text).toContain('# 读取轨迹'); // comments in the page's language
    expect(JSON.parse(notebook.text).cells.length).toBeGreaterThan(5);
    // The panel names the trace file the script reads.
    await expect(panel.locator('code.file').textContent()).resolves.toBe(trace.name);
    expect(JSON.parse(trace.text).computedPositions).toBeGreaterThan(0);
    // Where the model tools' Python exists, the downloaded script runs as a learner would run it: the model's
    // files come from this page's server, and every number must agree.
    const python = resolve(import.meta.dirname, '../../.venv/bin/python');
    if (existsSync(python)) {
      const ran = spawnSync(python, [script.path], { cwd: folder, encoding: 'utf8', timeout: 300_000 });
      expect(ran.stdout, ran.stderr).toMatch(/一致：比对了 (\d+) 个捕获张量中的 \1 个/);
      expect(ran.status).toBe(0);
    }
    expect((page as any).errors).toEqual([]);
    await page.close();
  }, 360_000);

  it('What if’s B belongs to the run it was forked from: a recording of the same model is not compared with it', async () => {
    const page = await openApp(browser, { backend: 'wasm', lang: 'en', query: { max: '3', t: '0' } });
    await waitForRuns(page, 1);
    const text = await page.evaluate(() => window.__flow!.exportTrace(window.__flow!.runs.trace!));
    await page.click('button[data-tab=compare]');
    const before = await page.evaluate(() => window.__flow!.whatIf.b.completedRuns as number);
    await page.click('[data-action=run-b]');
    await page.waitForFunction((n) => window.__flow!.whatIf.b.completedRuns > n && !window.__flow!.whatIf.busy, before, {
      timeout: 120_000,
    });
    // B is offered beside the run it came from…
    await page.click('button[data-tab=attention]');
    await expect(page.locator('[data-show-run=difference]').count()).resolves.toBe(1);
    // …and not beside a new run of the same model.
    const generated = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.fill('#prompt-input', 'The shop closes at nine, so we');
    await page.click('[data-action=generate]');
    await waitForRuns(page, generated + 1);
    await expect(page.locator('[data-show-run=difference]').count()).resolves.toBe(0);
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-testid=chosen-change]').count()).resolves.toBe(0);
    // …and not beside a recording of the same model, even of the same run.
    const file = join(folder, 'same-model.json');
    await writeFile(file, text);
    const runs = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.locator('input[data-control=open-run]').setInputFiles(file);
    await waitForRuns(page, runs + 1);
    await expect(page.locator('[data-testid=recording]').count()).resolves.toBe(1);
    await expect(page.locator('[data-show-run=difference]').count()).resolves.toBe(0);
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-action=run-b]').isDisabled()).resolves.toBe(true);
    await page.close();
  }, 180_000);
  it('a run of the model loaded before stays to be looked at, and nothing computes on it with the new model', async () => {
    const page = await openApp(browser, { backend: 'wasm', lang: 'en', query: { max: '3', t: '0' } });
    await waitForRuns(page, 1);
    const tokens = await page.evaluate(() => window.__flow!.runs.trace!.tokens.map((token: { id: number }) => token.id));
    // Another model, with the prompt emptied first: its first Generate fails, and GPT-2's run stays on screen.
    await page.fill('#prompt-input', '');
    const runs = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.selectOption('select[data-control=model]', 'flow-llama-tiny');
    await waitForRuns(page, runs + 1);
    await expect.poll(() => page.evaluate(() => window.__flow!.slot.modelName)).toBe('flow-llama-tiny');
    await expect(page.evaluate(() => window.__flow!.runs.trace!.tokens.map((token: { id: number }) => token.id))).resolves.toEqual(tokens);
    // It says whose run it is, and what is off for it.
    const banner = await page.locator('[data-testid=earlier-model]').textContent();
    expect(banner).toContain('made by an earlier load of flow-gpt2-tiny; the model loaded now is flow-llama-tiny');
    // The lens, the KV-cache check and What if do not compute on GPT-2's run with Llama's weights.
    await page.click('button[data-tab=lens]');
    await expect(page.locator('[data-testid=lens-needs-model]').textContent()).resolves.toContain(
      'the load of flow-gpt2-tiny that made this run is gone',
    );
    await page.click('button[data-tab=cache]');
    await expect(page.locator('[data-testid=cache-needs-model]').textContent()).resolves.toContain('flow-gpt2-tiny');
    await page.click('button[data-tab=embedding]');
    await expect(page.locator('[data-testid=neighbours-need-model]').textContent()).resolves.toContain(
      'embedding matrix of the load of flow-gpt2-tiny',
    );
    await expect(page.locator('ol.neighbours').count()).resolves.toBe(0);
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-action=run-b]').isDisabled()).resolves.toBe(true);
    await expect(page.locator('[data-testid=needs-model]').textContent()).resolves.toContain('flow-gpt2-tiny');
    // Step starts a run of the loaded model rather than continuing GPT-2's with Llama's vocabulary.
    await page.fill('#prompt-input', 'The cat sat');
    const stepped = Number(await page.locator('[data-testid=status]').getAttribute('data-runs'));
    await page.click('[data-action=step]');
    await waitForRuns(page, stepped + 1);
    await expect(page.evaluate(() => window.__flow!.runs.trace!.modelName)).resolves.toBe('flow-llama-tiny');
    await expect(page.locator('[data-testid=earlier-model]').count()).resolves.toBe(0);
    await page.click('button[data-tab=lens]');
    await expect(page.locator('[data-testid=lens-needs-model]').count()).resolves.toBe(0);
    // With no model at all (its worker gone), What if says to load one rather than to use "the loaded model".
    await page.evaluate(() => window.__flow!.slot.crashed({ code: 'worker-crashed', params: {} }));
    await page.click('button[data-tab=compare]');
    await expect(page.locator('[data-testid=needs-model]').textContent()).resolves.toContain('no model is loaded now');
    expect((page as any).errors).toEqual([]);
    await page.close();
  }, 180_000);
});
