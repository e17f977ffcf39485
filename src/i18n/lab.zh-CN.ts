import type { labEn } from './lab.en';

/** 分词器对比的中文字符串：随分词器对比视图一起按需加载，不在主包里。 */
export const labZhCN: Record<keyof typeof labEn, string> = {
  'views.lab.text': '要切分的文本',
  'views.lab.usePrompt': '使用提示词',
  'views.lab.length': '{characters} 个字符，{bytes} 个 UTF-8 字节',
  'views.lab.shown': '显示的分词器',
  'views.lab.model': '{name}（当前模型）',
  'views.lab.noModel': '还没有加载模型。',
  'views.lab.note': '每个分词器的数据（0.5–11 MB）在第一次显示时从本站下载，之后离线也能使用。',
  'views.lab.caption': '同一段文本在各个分词器中的切分结果',
  'views.lab.col.tokenizer': '分词器',
  'views.lab.col.tokens': '词元数',
  'views.lab.col.charsPerToken': '每词元字符数',
  'views.lab.col.split': '被切开的字符',
  'views.lab.noSplit': '无',
  'views.lab.loading': '加载中…',
  'views.lab.loadingBytes': '正在加载 {loaded} / {total} MB…',
  'views.lab.off': '未显示',
  'views.lab.vocab': '词表共 {size} 个条目 · {encoding}',
  'views.lab.line': '{tokens} 个词元 · 每词元 {chars} 个字符 · 每词元 {bytes} 个字节',
  'views.lab.splitNote': '{count} 个字符被切成了字节片段：{examples}',
  'views.lab.partShown': '显示前 {shown} 个词元（共 {total} 个）',
  'views.lab.more': '再显示 {count} 个',
  'views.lab.partialLegend': '虚线边框的词元只含某个字符的一部分字节：以十六进制显示，并注明它们拼出的字符。',
  'views.lab.why.chinese.q': '为什么同一段中文在不同分词器里的词元数差别很大？',
  'views.lab.why.chinese':
    '分词器的词表是从训练文本中学出来的：训练文本里最常相邻出现的一对片段（一开始是单个字节）被合并成一个词元，如此反复。GPT-2 主要从英文网页学习，许多汉字仍被拆成两三个字节片段；GPT-4o、Qwen3 和 DeepSeek-V3 的训练文本中中文多得多，词表里有完整的汉字和常用词。词元越少，处理这种语言就越便宜、越快，同样的上下文也能装下更多内容。',
  'views.lab.why.bytes.q': '字节级 BPE 遇到词表里没有的字符会怎样？',
  'views.lab.why.bytes':
    '它不会失败：文本先被转换成 UTF-8 字节，而全部 256 个字节都在词表里。没有专属词元的字符（一个汉字占 3 个字节，一个表情符号通常占 4 个）就用几个字节词元拼出来，这些词元只有合在一起才有意义。这里把它们显示为十六进制字节，并注明所属的字符，而不是显示成“�”。',
  'views.lab.why.ids.q': '为什么同一个词的 ID 各不相同？',
  'views.lab.why.ids':
    'ID 只是某个分词器词表中的行号，每个分词器按自己的顺序给词表条目编号。即使在同一个分词器里，“hello”、“ hello”（带空格）和“Hello”也是不同的条目、不同的 ID：空格和大写字母都是词元的一部分。',
};
