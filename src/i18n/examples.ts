/** Example prompts shown in both languages; the embedded model was trained on stories like these. */
export const EXAMPLE_PROMPTS = [
  'Once upon a time',
  'Lily had a red ball. She',
  'One rainy day, Tom and Mia',
  '从前',
  '一天早上，小明和好朋友小红',
  '小兰找不到她的风筝了，',
] as const;
