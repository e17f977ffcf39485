/** Example prompts shown in both languages: everyday text, as the embedded models were trained on. */
export const EXAMPLE_PROMPTS = [
  'Once upon a time',
  'After school, Lily',
  'My mother is a doctor.',
  '小熊在森林里',
  '今天放学以后，',
  '小狗看见了',
] as const;

/** The patching lab's first pair, in the page's language: one name changed, and the pronoun the embedded GPT-2 model
 * then expects changes with it (she → he; 她 → 他), so the grids show where the name's information travels. */
export const PATCH_EXAMPLES = {
  en: { clean: 'Lily was happy because', corrupted: 'Tom was happy because' },
  'zh-CN': { clean: '小红很难过，因为', corrupted: '小明很难过，因为' },
} as const;
