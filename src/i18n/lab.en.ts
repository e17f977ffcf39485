/** English strings of the tokenizer lab (分词器对比). They load with the lab's own chunk, not the main bundle
 * (src/components/views/TokenizerLab.svelte adds them to the catalog). */
export const labEn = {
  'views.lab.text': 'Text to split',
  'views.lab.usePrompt': 'Use the prompt',
  'views.lab.length': '{characters} characters, {bytes} UTF-8 bytes',
  'views.lab.shown': 'Tokenizers shown',
  'views.lab.model': '{name} (loaded model)',
  'views.lab.noModel': 'No model is loaded yet.',
  'views.lab.note': 'Each tokenizer’s data (0.5–11 MB) downloads from this site the first time it is shown, then works offline.',
  'views.lab.caption': 'The same text in each tokenizer',
  'views.lab.col.tokenizer': 'Tokenizer',
  'views.lab.col.tokens': 'Tokens',
  'views.lab.col.charsPerToken': 'Characters per token',
  'views.lab.col.split': 'Characters cut into pieces',
  'views.lab.noSplit': 'none',
  'views.lab.loading': 'Loading…',
  'views.lab.loadingBytes': 'Loading {loaded} of {total} MB…',
  'views.lab.off': 'not shown',
  'views.lab.vocab': '{size} vocabulary entries · {encoding}',
  'views.lab.line': '{tokens} tokens · {chars} characters per token · {bytes} bytes per token',
  'views.lab.splitNote': '{count} characters cut into byte pieces: {examples}',
  'views.lab.partShown': 'The first {shown} of {total} tokens',
  'views.lab.more': 'Show {count} more',
  'views.lab.partialLegend': 'Dashed chips hold only some of a character’s bytes: shown in hex, with the character they help to spell.',
  'views.lab.why.chinese.q': 'Why does Chinese cost more tokens in one tokenizer than in another?',
  'views.lab.why.chinese':
    'A tokenizer’s vocabulary is learned from its training text: the pair of pieces (at first single bytes) that occur next to each other most often is merged into one token, again and again. GPT-2 learned from English web pages, so many Chinese characters stay two or three byte pieces; GPT-4o, Qwen3 and DeepSeek-V3 learned from far more Chinese and hold whole characters and common words. Fewer tokens make that language cheaper and faster, and fit more of it into the context.',
  'views.lab.why.bytes.q': 'What does byte-level BPE do with a character that is not in its vocabulary?',
  'views.lab.why.bytes':
    'It never fails: the text is first turned into UTF-8 bytes, and all 256 bytes are in the vocabulary. A character without a token of its own (a Chinese character is 3 bytes, an emoji usually 4) is spelled with several byte tokens that mean something only together. Here they show as hex bytes with the character they belong to, never as “�”.',
  'views.lab.why.ids.q': 'Why does the same word get different ids?',
  'views.lab.why.ids':
    'An id is only a row number in one tokenizer’s vocabulary, and each tokenizer numbers its entries in its own order. Even in one tokenizer, “hello”, “ hello” (with its space) and “Hello” are different entries with different ids: the space and the capital letter belong to the token.',
} as const;
