/** Example prompts shown in both languages: everyday text, as the embedded models were trained on. */
export const EXAMPLE_PROMPTS = [
  'Once upon a time',
  'After school, Lily',
  'My mother is a doctor.',
  '小熊在森林里',
  '今天放学以后，',
  '小狗看见了',
] as const;
