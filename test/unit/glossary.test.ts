// @vitest-environment jsdom
// The glossary: every term explained in both languages, found in the texts that use it, and shown by a control that
// works with a pointer, a keyboard and a finger.
import { describe, expect, it } from 'vitest';
import { en, translator, zhCN } from '../../src/i18n/index.svelte';
import { NAMED_TERMS, termName, termText, termsIn, type TermId } from '../../src/i18n/glossary';
import { DTYPES } from '../../src/engine/models/precision';
import Term from '../../src/components/Term.svelte';

// Svelte's browser entry, by path: Node resolves `svelte` to its server build, which cannot mount a component.
const browserEntry = '../../node_modules/svelte/src/index-client.js';
const { flushSync, mount, unmount } = (await import(/* @vite-ignore */ browserEntry)) as typeof import('svelte');

const ALL: TermId[] = [...NAMED_TERMS, 'u', ...DTYPES.map((dtype) => `dtype.${dtype}` as const)];

describe('glossary', () => {
  it('explains every term in both languages', () => {
    for (const id of ALL) {
      expect(en, id).toHaveProperty(`term.${id}`);
      expect(zhCN[`term.${id}` as keyof typeof zhCN], id).toBeTruthy();
      if (!id.startsWith('dtype.')) expect(zhCN[`term.${id}.name` as keyof typeof zhCN], id).toBeTruthy();
    }
    expect(termName('dtype.q4f16', translator('en'))).toBe('q4f16');
    expect(termName('logitLens', translator('zh-CN'))).toBe('logit 透镜');
  });

  it('finds the terms a text uses, as whole words, in the language of the text', () => {
    const t = translator('en');
    expect(termsIn(['Token embedding W_E', 'each row has d_model numbers; d_head = 40'], t)).toEqual(['dModel', 'dHead', 'W_E']);
    expect(termsIn(['Logit lens: the final LayerNorm…', 'logits'], t)).toEqual(['logits']);
    expect(termsIn(['the logit lens reads the stream'], t)).toEqual(['logitLens']);
    expect(termsIn(['W_Embed, d_models'], t)).toEqual([]);
    expect(termsIn(['残差流与 logit 透镜'], translator('zh-CN'))).toEqual(['logitLens']);
  });
});

describe('Term', () => {
  function render(id: TermId) {
    const target = document.createElement('div');
    document.body.append(target);
    const component = mount(Term, { target, props: { id } });
    flushSync();
    const button = target.querySelector('button')!;
    const tip = target.querySelector('[role=tooltip]')!;
    return {
      target,
      button,
      tip,
      done: () => {
        unmount(component);
        target.remove();
      },
    };
  }

  it('is a button described by its explanation (screen readers read it; keyboard users reach it)', () => {
    const { button, tip, done } = render('dModel');
    expect(button.textContent).toBe('d_model');
    expect(button.getAttribute('type')).toBe('button');
    expect(button.getAttribute('aria-describedby')).toBe(tip.id);
    expect(tip.textContent).toBe(termText('dModel', translator('en')));
    done();
  });

  it('a tap opens the explanation and another closes it; Escape and leaving the term close it too', () => {
    const { button, tip, done } = render('u');
    expect(tip.classList.contains('open')).toBe(false);
    button.click();
    flushSync();
    expect([tip.classList.contains('open'), button.getAttribute('aria-expanded')]).toEqual([true, 'true']);
    button.click();
    flushSync();
    expect(tip.classList.contains('open')).toBe(false);
    button.click();
    button.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    flushSync();
    expect(tip.classList.contains('open')).toBe(false);
    expect(button.closest('.term')!.classList.contains('dismissed')).toBe(true);
    button.click();
    button.dispatchEvent(new FocusEvent('blur'));
    flushSync();
    expect(tip.classList.contains('open')).toBe(false);
    done();
  });
});
