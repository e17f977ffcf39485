import type { lessonEn } from './lesson.en';

/** 课程模式的中文字符串：随课程面板一起加入字符串表。每个数字都来自这次运行的 Trace 或模型的配置。 */
export const lessonZhCN: Record<keyof typeof lessonEn, string> = {
  'lesson.open': '课程',
  'lesson.close': '退出课程',
  'lesson.title': '课程：先猜，再看数字',
  'lesson.chapters': '章节',
  'lesson.progress': '已完成 {done} / {total} 章',
  'lesson.chapterDone': '已完成',
  'lesson.chapterTried': '已开始',
  'lesson.link': '本章链接',
  'lesson.prompt': '提示词：“{prompt}”',
  'lesson.corruptedPrompt': '被破坏的提示词：“{prompt}”',
  'lesson.waitingModel': '正在等待模型加载…',
  'lesson.running': '正在用本章的提示词运行模型…',
  'lesson.preparing': '正在根据这次运行准备问题…',
  'lesson.unavailable': '这次运行回答不了这个问题（模型生成的内容太少）。请重新运行本章，或者继续下一章。',
  'lesson.unavailableArchitectures':
    '本章会在当前模型旁边再用第二个模型运行同一个提示词，并在两次运行中指向同一个词元：这需要一个内置的 GPT-2 模型和 flow-llama-tiny，它们用同一个分词器读取文本，而且第二个模型必须能加载。请加载其中一个内置模型，再重新运行本章。',
  'lesson.runningBeside': '正在旁边的 {model} 中运行同一个提示词…',
  'lesson.unavailablePatching':
    '激活修补的扫描在这里回答不了这个问题：这个模型可能把两个提示词切成了不同数量的词元，或者两个答案的 logit 差在两次运行中相同，或者扫描没有运行。请打开“激活修补”标签页查看原因，或在那里试试你自己的一对提示词。',
  'lesson.failed': '这次运行没有完成，暂时没有可以提问的内容。请重新运行本章。',
  'lesson.questionOf': '第 {index} 题，共 {count} 题',
  'lesson.hidden': '在你作答之前，页面的其余部分会被遮住，免得数字泄露答案。',
  'lesson.right': '答对了。',
  'lesson.wrong': '不对：答案是{answer}。',
  'lesson.yourAnswer': '你选的是{answer}。',
  'lesson.why': '为什么',
  'lesson.seeInChart': '流程图和详细视图现在停在这道题所讲的方框上，显示的是同一次运行。',
  'lesson.nextQuestion': '下一题',
  'lesson.nextChapter': '下一章',
  'lesson.again': '重新运行本章',
  'lesson.runOn': '加载 {model} 并在它上面运行本章',
  'lesson.loadingOffer': '正在为本章加载 {model}…',
  'lesson.offerFailed': '{model} 没有加载成功（模型面板写明了原因）：当前模型和这道题的答案都保持原样。',
  'lesson.finished': '这是最后一章了。可以任选一章再学一遍，也可以退出课程，试试自己的提示词。',
  'lesson.ref.position': '位置 {position} 的“{token}”',
  'lesson.ref.layer': '第 {layer} 层',
  'lesson.stage.embedding': '词嵌入之后',
  'lesson.stage.layer': '第 {layer} 层之后',

  'lesson.chapter.tokens': '词元',
  'lesson.chapter.embedding': '词嵌入与位置',
  'lesson.chapter.attention': '一个注意力头',
  'lesson.chapter.heads': '所有注意力头与各层',
  'lesson.chapter.mlp': 'MLP（前馈网络）',
  'lesson.chapter.lens': '残差流与 logit 透镜',
  'lesson.chapter.sampling': '采样',
  'lesson.chapter.generation': '生成循环与 KV 缓存',
  'lesson.chapter.patching': '模型把所需的信息放在哪里',
  'lesson.chapter.induction': '从提示词照抄：归纳头',
  'lesson.chapter.architectures': '从 GPT-2 到今天的模型',

  'lesson.option.same': '同一个向量',
  'lesson.option.different': '不同的向量',
  'lesson.option.sharper': '更尖：最可能的词元分到更多概率',
  'lesson.option.flatter': '更平：最可能的词元把概率让给其他词元',
  'lesson.option.unchanged': '不变：所有 logits 除以同一个数，什么也不会变',
  'lesson.option.cacheSame': '不会：数字相同，只差舍入误差',
  'lesson.option.cacheChanged': '会：新词元会改变前面词元的键和值',
  'lesson.option.cacheLastLayer': '只有最后一层会变',
  'lesson.option.firstLayer': '第一层的 MLP',
  'lesson.option.lastLayer': '最后一层的 MLP（第 {layer} 层）',
  'lesson.norm.layernorm': '层归一化',
  'lesson.norm.rmsnorm': 'RMS 归一化',
  'lesson.bar.atT1': '“{token}”，T = 1',
  'lesson.bar.atT2': '“{token}”，T = {temperature}',

  'lesson.tokens.intro':
    '语言模型从来看不到字母。分词器先把文本切成词元（整个词、词的一部分、单个字符或字节），每个词元变成一个 ID，也就是它在 {vocab} 个条目的词表中的行号。',
  'lesson.tokens.count.ask': '这个提示词有 {characters} 个字符。模型会读到多少个词元？',
  'lesson.tokens.count.reveal': '分词器把 {characters} 个字符（{bytes} 个 UTF-8 字节）切成了 {tokens} 个词元。',
  'lesson.tokens.count.pieces': '其中 {pieces} 个词元只含某个字符的一部分字节：它们以十六进制字节显示，并注明拼出的字符。',
  'lesson.tokens.count.why':
    'BPE 分词器从很小的片段（字节，或以字节兜底的单个字符）出发，把训练文本中最常相邻出现的一对片段合并成一个新词元，反复进行。常用词最后成为一个词元；少见的词被切成几段，没有专属词元的字符则用字节拼出来。词表大小（这里是 {vocab}）是在更短的序列和更大的词嵌入矩阵之间做取舍。',

  'lesson.embedding.intro':
    '每个词元 ID 从词嵌入矩阵 W_E 中取出一行：一个由 {dModel} 个数组成的向量；同一个词元无论出现在哪里，取出的都是同一行。可是词序很重要（“狗咬人”不等于“人咬狗”），而注意力的加权求和并不在乎前面词元的先后顺序，所以总得在某处告诉模型每个词元的位置。',
  'lesson.embedding.same.ask': '词元“{token}”出现在位置 {a}，又出现在位置 {b}。进入第 1 层的这两个向量会相同吗？',
  'lesson.embedding.same.embed': '两个位置查的是 W_E 的同一行：两个词元向量之差的长度是 {embed}。',
  'lesson.embedding.same.position':
    '这个模型有一张可学习的位置嵌入表，共 {context} 个位置向量；进入第 1 层之前，第 t 行加到位置 t 的词元上。位置 {a} 和位置 {b} 的位置向量之差的长度为 {positionGap}，所以进入第 1 层的两个向量之差的长度为 {residual}：是不同的向量。',
  'lesson.embedding.same.resid':
    '这个模型在第 1 层之前不加任何表示位置的向量，所以进入第 1 层的两个向量之差的长度为 {residual}：是同一个向量。它改用旋转位置编码（RoPE），在注意力内部把每个头的查询和键按随位置增大的角度旋转。',
  'lesson.embedding.same.rope':
    '位置是在注意力内部引入的：第 1 层的两个查询向量之差的长度，在 RoPE 之前为 {before}，经过 RoPE 旋转之后为 {after}。',
  'lesson.embedding.same.whyLearned':
    '在第 1 层之前加上一个可学习的位置向量，是让注意力得知词序的最简单办法：相加之后的向量既表示“是哪个词元”，也表示“在哪个位置”。它的局限在于这张表：模型只认识训练时见过的 {context} 个位置。',
  'lesson.embedding.same.whyRope':
    'RoPE 把 q 和 k 按与位置成正比的角度旋转，它们的点积就只通过位置差依赖于位置：两个词元一起平移，分数不变。残差流里不加任何表示位置的向量：词序只通过注意力进来，注意力分数取决于位置之差，注意力的输出再把它带进残差流。',

  'lesson.attention.intro':
    '在每一层里，每个注意力头都拿当前词元的查询 q 去和到目前为止每个词元的键 k 比较：分数 = q·k/√d_head。Softmax 把一行分数变成和为 1 的权重，这个头输出的就是值 v 的加权和。因果掩码遮住后面的词元。',
  'lesson.attention.look.ask': '第 {layer} 层第 {head} 个头，从最后一个词元“{token}”出发：这个头最关注哪个词元？',
  'lesson.attention.look.reveal': '第 {head} 个头把 {weight} 的注意力给了{token}；那里的分数 q·k/√d_head 是 {score}，是这一行中最高的。',
  'lesson.attention.look.bars': '第 {layer} 层第 {head} 个头从最后一个词元出发的注意力权重',
  'lesson.attention.look.asPrevious': '这个头往回看了一个词元：这正是“前一个词元”头的做法。',
  'lesson.attention.look.asInduction': '这个头看的是前面那个“{token}”后面的词元：这正是归纳头的做法。',
  'lesson.attention.look.asDuplicate': '这个头看的是前面那个“{token}”本身：它发现这个词元已经出现过。',
  'lesson.attention.look.whyHeads':
    '注意力头的这类习惯是训练出来的。“前一个词元”头往回看一个词元，让每个位置的向量带上紧挨在它前面的词元的信息。更后面一层的归纳头（induction head）在此基础上工作：遇到前面出现过的词元，它去看这个词元上一次出现时紧跟其后的词元，并把它复制过来，预测文本会照原样重复。',
  'lesson.attention.look.whyRepeat':
    '注意力头的这类习惯是训练出来的。“前一个词元”头往回看一个词元，让每个位置的向量带上紧挨在它前面的词元的信息。更后面一层的归纳头（induction head）在此基础上工作：遇到前面出现过的词元，比如这里重复出现的“{token}”，它去看这个词元上一次出现时紧跟其后的词元，即{next}，并把它复制过来，预测文本会照原样重复。直接看向前面那个“{token}”本身的头，则是在记下这个词元已经出现过。',
  'lesson.attention.look.why':
    'Softmax 很陡：一个键只要比其他键和查询匹配得稍好一点，就能拿走大部分权重。分数要除以 √d_head = √{dHead} ≈ {sqrt}，因为点积是 {dHead} 个乘积之和，其波动幅度按 √d_head 增长；不缩放的话，Softmax 会饱和，梯度几乎消失。',
  'lesson.attention.look.whyRope': '在这个模型里，q 和 k 在相乘之前先经过 RoPE 旋转，所以分数只通过两个位置之差依赖于位置。',
  'lesson.attention.look.whyGqa': '第 {head} 个查询头读取第 {kvHead} 个键/值头：在分组查询注意力中，每 {group} 个查询头共用一个键/值头。',

  'lesson.heads.intro':
    '这个模型共有 {layers} 层，每层 {perLayer} 个注意力头，一共 {heads} 个头。每个头都有自己的查询权重，所以可以各看各的地方。同一层各个头的输出拼接起来，再投影回残差流。',
  'lesson.heads.total.ask':
    '把全部 {heads} 个头（{layers} 层 × 每层 {perLayer} 个）从最后一个词元“{token}”出发的注意力加起来。哪个词元得到的最多？',
  'lesson.heads.total.reveal': '{token}得到的最多：平均占每个头注意力的 {mean}。',
  'lesson.heads.total.split':
    '在 {heads} 个头中，{first} 个最关注第一个词元，{previous} 个最关注倒数第二个词元，{self} 个最关注最后一个词元自己，{other} 个最关注其他位置。',
  'lesson.heads.total.bars': '全部 {heads} 个头从最后一个词元出发的平均注意力',
  'lesson.heads.total.why':
    '每个头都有自己的查询权重，而且只在一个 {dHead} 维的空间里工作（残差流有 {dModel} 维），所以同一层的 {perLayer} 个头可以同时寻找不同的东西。一个头找不到可匹配的内容时，常常把权重放在第一个词元上，当作“停放”注意力的地方。后面的层读取前面的头写进残差流的内容，所以能寻找“模式的模式”。',

  'lesson.mlp.introGelu':
    '注意力之后，每个词元各自经过 MLP：先线性扩展，从 {dModel} 个数变成 {dMlp} 个数，经过 GELU，再线性投影回去。和注意力一样，MLP 读取的是经过{norm}的残差流，输出却直接加到残差流本身上。残差流从词嵌入开始，每个注意力和 MLP 的输出都加在它上面。',
  'lesson.mlp.introSwiglu':
    '注意力之后，每个词元各自经过 MLP。这里是 SwiGLU：两个线性变换都从 {dModel} 个数扩展到 {dMlp} 个数，其中一个经过 SiLU 后与另一个相乘，再线性投影回去。和注意力一样，MLP 读取的是经过{norm}的残差流，输出却直接加到残差流本身上。残差流从词嵌入开始，每个注意力和 MLP 的输出都加在它上面。',
  'lesson.mlp.depth.ask':
    '在最后一个词元“{token}”上，第一层和最后一层的 MLP 各往残差流里加入一个向量。如果拿这个向量的长度和它所加入的残差流的长度相比，哪一个对残差流的改变更大？',
  'lesson.mlp.depth.reveal':
    '第 1 层的 MLP 往长度为 {firstStream} 的残差流里加入一个长度为 {firstMlp} 的向量，是残差流长度的 {firstRatio} 倍；第 {last} 层的 MLP 往长度为 {lastStream} 的残差流里加入一个长度为 {lastMlp} 的向量，是 {lastRatio} 倍。',
  'lesson.mlp.depth.bars': '最后一个词元上，每层 MLP 输出的长度 ÷ 它所加入的残差流的长度',
  'lesson.mlp.depth.whyNorm':
    'MLP 前面的{norm}放在分支上，而不在残差流上：MLP 读的是归一化后的副本，所以它输出的长短不跟着残差流的长短走，而这个输出原样加到残差流上。一路往上，没有任何运算重新缩放残差流：它是词嵌入与此前所有输出之和，所以往往随层数增长；同样长的一次写入，在后面的层里只占它更小的比例。',
  'lesson.mlp.depth.whyFirst':
    '第一层的 MLP 遇到的残差流里只有词嵌入和一次注意力的输出。在许多模型里，这第一个 MLP 就像第二个词嵌入：它把每个词元变成一个信息更丰富的向量，供后面各层读取。后面的 MLP 是在更长的残差流上做较小的修正；最后几层把它引向对下一个词元的预测（logit 透镜那一章会展示这个过程）。',
  'lesson.mlp.depth.whyLast':
    '这次运行与通常的规律相反：最后一层的 MLP 对残差流的改变比第一层的更大。最后几层负责把残差流引向对下一个词元的预测，为此可能会大幅改动它。',
  'lesson.mlp.depth.whyGelu':
    'MLP 把每个词元从 {dModel} 个数扩展到 {dMlp} 个数（{ratio} 倍）：许多神经元，每个对上下文中词元的某种特征作出反应，GELU 把有反应的那些传下去；没有这个非线性，向上和向下的两个线性变换会合并成一个线性变换。它占一层权重矩阵的 {share}。注意力在词元之间搬运信息，MLP 则加工每个词元自己的信息。',
  'lesson.mlp.depth.whySwiglu':
    'MLP 把每个词元从 {dModel} 个数扩展到 {dMlp} 个数（{ratio} 倍）：许多神经元，每个对上下文中词元的某种特征作出反应。在 SwiGLU 中，一个投影经过 SiLU 后逐个神经元地控制另一个投影，由词元自己给每个神经元乘上一个系数（接近 0 时几乎挡住，越大放大越多）；这个门就是非线性所在，没有它，向上和向下的线性变换会合并成一个线性变换。它占一层权重矩阵的 {share}。注意力在词元之间搬运信息，MLP 则加工每个词元自己的信息。',

  'lesson.lens.introLayerNorm':
    '每一层都把注意力和 MLP 的输出加到每个词元的同一个向量上：残差流。logit 透镜提前读取这条残差流：在每一层之后直接套用最终层归一化和输出层，就像模型在那里停下一样。',
  'lesson.lens.introRms':
    '每一层都把注意力和 MLP 的输出加到每个词元的同一个向量上：残差流。logit 透镜提前读取这条残差流：在每一层之后直接套用最终 RMS 归一化和输出层，就像模型在那里停下一样。',
  'lesson.lens.first.ask': '在“{token}”之后，模型认为最可能的下一个词元是“{final}”。logit 透镜从哪个阶段开始把它排在第一？',
  'lesson.lens.first.reveal': 'logit 透镜在{stage}第一次把“{final}”排在第一，概率为 {probability}；词嵌入之后它排在第 {rank} 位。',
  'lesson.lens.first.bars': '经过 logit 透镜后“{final}”在各阶段的概率',
  'lesson.lens.first.whyLayerNorm':
    '每一层都往同一条残差流里加东西（归一化都放在分支上，残差流本身从不被重新缩放），而最终层归一化和输出层读的正是这条残差流，所以提前套用它们，就能看出残差流已经指向哪些词元。要注意：前面的层从没被训练成可以这样读取，它们那几行常常只显示输入词元或杂乱的结果；行与行之间的变化比任何单独一行更能说明问题。',
  'lesson.lens.first.whyRms':
    '每一层都往同一条残差流里加东西（归一化都放在分支上，残差流本身从不被重新缩放），而最终 RMS 归一化和输出层读的正是这条残差流，所以提前套用它们，就能看出残差流已经指向哪些词元。要注意：前面的层从没被训练成可以这样读取，它们那几行常常只显示输入词元或杂乱的结果；行与行之间的变化比任何单独一行更能说明问题。',

  'lesson.sampling.intro':
    '最后一个位置的 logits 给 {vocab} 个词元各打一个分。logits 先除以温度，Top-k 和 Top-p 筛掉一部分候选，Softmax 把剩下的变成概率，再由一次随机抽取选出下一个词元。这些步骤都没有权重：它们是模型之后的解码。',
  'lesson.sampling.top.ask': '在“{token}”之后，模型认为下面四个词元中哪个最可能？',
  'lesson.sampling.top.reveal': '“{token}”排第一：logit 为 {logit}，概率为 {probability}（T = 1 时的 Softmax）。',
  'lesson.sampling.top.drawn': '这次运行抽到的随机数是 {draw}，选中了“{token}”，它在筛选后的分布中占 {probability}。',
  'lesson.sampling.top.greedy': '贪心解码选了“{token}”。',
  'lesson.sampling.top.bars': '四个候选词元的概率（logits 的 Softmax，T = 1）',
  'lesson.sampling.top.why':
    'Softmax 先对 logits 取指数再归一化，所以 logit 高 1，概率就大 e ≈ 2.72 倍。最可能的词元不一定被选中：采样按筛选后留下的概率成比例地抽取。',
  'lesson.sampling.temperature.ask':
    '在 Softmax 之前，logits 要除以温度 T。T = {temperature} 时，分布会怎样变化？（T = 1 时最可能的词元是“{token}”。）',
  'lesson.sampling.temperature.reveal': '“{token}”在 T = 1 时的概率是 {p1}，在 T = {temperature} 时是 {p2}。',
  'lesson.sampling.temperature.share': '最可能的十个词元在 T = 1 时共占 {share1} 的概率，在 T = {temperature} 时占 {share2}。',
  'lesson.sampling.temperature.bars': '最可能的五个词元在 T = 1 和 T = {temperature} 时的概率',
  'lesson.sampling.temperature.why':
    '把 logits 除以大于 1 的 T，会缩小它们之间的差距，Softmax 又把较小的差距变成较均匀的概率：分布变平，生成的文本更随机、更难预料。T 小于 1 则拉大差距、让分布更尖；T 趋近 0 时只剩排第一的词元（贪心解码）。',

  'lesson.generation.intro':
    '要写出不止一个词元，程序就要循环：把选出的词元追加到输入后面，再运行一次模型。有了 KV 缓存，每一步只需要计算新词元：前面词元在每一层的键和值，都是之前各步算好并存进缓存的。',
  'lesson.patching.intro':
    '改掉提示词里的一个词元，模型接下来的词元就可能随之改变。激活修补要找出模型把这个差别带在哪里：它把改过的（被破坏的）提示词一遍遍重新运行，每次从干净的运行里复制一个向量进去，再看干净的答案找回了多少（0 = 没有，1 = 全部）。',
  'lesson.patching.where.ask':
    '干净的提示词里这个位置是“{token}”，被破坏的提示词换成了另一个词元。把干净运行的残差流复制到被破坏运行的最后一个位置“{last}”（下一个词元就在这里选出）：从进入哪一层开始，这次复制第一次找回至少一半的干净答案？',
  'lesson.patching.where.reveal':
    '进入{where}时：复制到这里，最后一个位置的残差流找回了干净答案的 {share}（“{cleanAnswer}”的 logit 减去“{corruptedAnswer}”的 logit，0 = 被破坏的运行，1 = 干净的运行）。',
  'lesson.patching.where.before':
    '早一层、进入{where}时，同样复制到最后一个位置只找回 {lastShare}；而复制到“{token}”本身的位置却能找回 {share}：那时信息还留在被改动的词元上。',
  'lesson.patching.where.beforeSpread':
    '早一层、进入{where}时，同样复制到最后一个位置找回 {lastShare}，复制到“{token}”本身的位置找回 {share}：那时这两个位置都不是单独就携带了大部分差别。',
  'lesson.patching.where.never': '都不是：即使进入最后一层时也不到一半',
  'lesson.patching.where.revealNever':
    '都不是：即使在进入最后一层（{where}）时，复制到最后一个位置也只找回 {lastShare}（“{cleanAnswer}”的 logit 减去“{corruptedAnswer}”的 logit，0 = 被破坏的运行，1 = 干净的运行），而复制到“{token}”本身的位置却能找回 {share}。最后一层运行时，信息仍留在被改动的词元上：是这一层的注意力在那里读到它，一步就把它带到了最后一个位置。',
  'lesson.patching.where.revealNeverSpread':
    '都不是：即使在进入最后一层（{where}）时，复制到最后一个位置也只找回 {lastShare}（“{cleanAnswer}”的 logit 减去“{corruptedAnswer}”的 logit，0 = 被破坏的运行，1 = 干净的运行），复制到“{token}”本身的位置找回 {share}：这两个位置都不是单独就携带了大部分差别。',
  'lesson.patching.where.bars': '在“{last}”处复制残差流时找回的干净答案比例，按进入的层',
  'lesson.patching.where.why':
    '一个位置的向量只能通过注意力吸收其他位置的信息：每个头读取前面的位置，把找到的东西加到自己身上。所以被改动的词元携带的信息，会一直留在残差流中它自己的那一列，直到注意力层把它往后复制；只有到了最后一个位置，它才能改变预测。激活修补不用读任何一个权重就能找出这一步发生在哪里：它一次复制一个向量，直接问模型本身。“激活修补”标签页显示整个网格：被改动词元的那一列在前面几行亮起，最后一列则从“搬运信息的那几层”的下一行开始亮起（每一行是进入那一层时的残差流）。',
  'lesson.generation.cache.ask':
    '模型借助 KV 缓存生成了 {steps} 个词元：提示词算过一遍之后，每一步只计算新词元，前面词元的键和值直接复用。如果从头把整个序列重新计算一遍，这些缓存的键和值会变吗？',
  'lesson.generation.cache.askFull':
    '这个模型的计算图没有 KV 缓存：{steps} 步中的每一步都把整个序列重新算一遍。这次运行为每个位置保留了第一次算到它的那一步（提示词那一遍，或者追加它的那一步）算出的键和值，也就是有缓存时会存下的那些。缓存会是精确的吗？如果把整个序列（连同后面的词元）重新计算一遍，这些键和值会变吗？',
  'lesson.generation.cache.reveal':
    '在 {rows} 行键和值中（每一层、每个位置），与重新计算的结果相比，最大差异是 {difference}，而这些数值本身最大达到 {largest}。',
  'lesson.generation.cache.revealLean':
    '这个大模型生成时只保留了 {layers} 层中 {kvLayers} 层的键和值；其余各层是事后重新算出来的，拿它们和重新计算的结果比，等于拿重算的结果和自己比。所以这里比较的是这次运行自己保留下来的数值：这些键和值，以及每一层之后、每个位置上的残差流（每个新位置的残差流都是用它前面各位置的键和值算出来的，这些键和值若有变化，这里也会显出来）。在这 {rows} 行中，与重新计算的结果相比，最大差异是 {difference}，而这些数值本身最大达到 {largest}。',
  'lesson.generation.cache.revealResidual':
    '这个大模型生成时没有保留任何一层的键和值；它们是事后重新算出来的，拿它们和重新计算的结果比，等于拿重算的结果和自己比。所以这里比较的是这次运行自己保留下来的数值：每一层之后、每个位置上的残差流（每个新位置的残差流都是用它前面各位置的键和值算出来的，这些键和值若有变化，这里就会显出来）。在这 {rows} 行中，与重新计算的结果相比，最大差异是 {difference}，而这些数值本身最大达到 {largest}。',
  'lesson.generation.cache.roundingFloat32':
    '舍入误差从哪里来：两次计算覆盖的位置数不同，同样的乘积相加的顺序也就不同，而 float32 只保留约 7 位有效数字。差值不超过一行中最大数值（不足 1 时按 1 计）的 {tolerance}，就算舍入误差。',
  'lesson.generation.cache.roundingFloat16':
    '舍入误差从哪里来：两次计算覆盖的位置数不同，同样的乘积相加的顺序也就不同，而这张计算图的中间结果以 float16 保存，只有约 3 位有效数字。差值不超过一行中最大数值（不足 1 时按 1 计）的 {tolerance}，就算舍入误差。',
  'lesson.generation.cache.roundingInt8':
    '舍入误差从哪里来：这张计算图把每个整数矩阵乘法的输入舍入到 256 级台阶上，台阶按这一次计算自己的数值范围划分；两次计算覆盖的位置不同，台阶也就不同，几个百分点的差值就来自这里。差值不超过一行中最大数值（不足 1 时按 1 计）的 {tolerance}，就算舍入误差。',
  'lesson.generation.cache.keys': '模型运行的最后一个位置关注了 {keys} 个键：{cached} 个来自缓存，再加上它自己的。',
  'lesson.generation.cache.keysFull': '模型运行的最后一个位置关注了 {keys} 个键：它自己的，以及它前面每个词元的。',
  'lesson.generation.cache.size':
    '缓存存放 K 和 V：2 × {layers} 层 × {kvHeads} 个头 × {dHead} 个数 × {positions} 个位置 = {floats} 个数（每个数 {bytes} 字节，共 {kib} KiB）。',
  'lesson.generation.cache.sizeFull':
    '如果有缓存，它要存放 K 和 V：2 × {layers} 层 × {kvHeads} 个头 × {dHead} 个数 × {positions} 个位置 = {floats} 个数（每个数 {bytes} 字节，共 {kib} KiB）。',
  'lesson.generation.cache.gqa':
    '使用分组查询注意力，每层只需 {kvHeads} 个键/值头，而不是 {heads} 个：如果不共用，就是 {full} 个数（{fullKib} KiB）。注意力打分和加权求和的计算量却一样：{heads} 个查询头仍然各自给每个键打分。',
  'lesson.generation.cache.why':
    '正是因果掩码让缓存精确无误：一个词元的键和值只取决于它自己和它前面的词元，从不取决于后面的词元，所以追加一个词元不会改变它们。于是有了缓存，每一步只需计算一个位置，而不是整个序列。',
  'lesson.generation.cache.whyRope':
    '使用 RoPE 时，缓存里存的是已经旋转过的键：一个键的旋转只取决于它自己的位置，追加词元不会改变这个位置，所以每个键只在算出时旋转一次，之后每一步只需旋转新位置的查询和键。',

  'lesson.induction.intro':
    '模型可以靠从提示词本身照抄，接着写它从没见过的文本：一个词元再次出现时，它上次后面跟着的词元，很可能就是现在后面跟着的词元。做这件事的注意力头叫归纳头（induction head）。这一章的提示词把一串随意编的词重复了一遍，所以除了提示词本身，没有别的线索能告诉模型下一个是什么。问题里的头，是头角色测试（一串随机词元，再把它重复一遍）在这个模型上给出的归纳得分最高的头。',
  'lesson.induction.look.ask':
    '第 {layer} 层第 {head} 个头在头角色测试中的归纳得分最高。从最后一个词元“{token}”出发（它在前面已经出现过一次），这个头最关注哪里？',
  'lesson.induction.look.previous': '紧挨在它前面的词元：{token}',
  'lesson.induction.look.same': '前面那个“{token}”本身',
  'lesson.induction.look.next': '前面那个“{token}”后面的词元“{next}”',
  'lesson.induction.look.start': '第一个词元：{token}',
  'lesson.induction.look.elsewhere': '别的词元',
  'lesson.induction.look.reveal': '第 {layer} 层第 {head} 个头把 {weight} 的注意力给了{token}。',
  'lesson.induction.look.asInduction':
    '这正是“{token}”第一次出现时后面跟着的词元：这个头去查上一次接下来是什么，模型就能把它照抄过来。这就是归纳头的做法。',
  'lesson.induction.look.notInduction':
    '这不是“{token}”第一次出现时后面跟着的词元（“{next}”只得到 {share}）：在这个提示词上，这个头没有照抄。',
  'lesson.induction.look.test':
    '在头角色测试中，第 {layer} 层第 {head} 个头在重复部分平均把 {score} 的注意力放在当前词元上一次出现时后面的那个词元上；在整个序列上，它把 {previous} 放在紧挨在前面的词元上（那是“前一个词元”头的做法）。',
  'lesson.induction.look.none': '这个模型没有哪个头达到测试的标准：最好的得分 {score}，低于应用给头命名职责时要求的 {threshold}。',
  'lesson.induction.look.noneEmbedded':
    '所以这个模型没有归纳头：它在测试中最好的头得分 {score}，低于应用给头命名职责时要求的 {threshold}。只有训练文本经常在上下文长度之内重复，照抄才会得到回报，模型才会学会它；这个模型是用很少重复的短故事训练的。在 Hub 上用网页文本训练的模型有好几个归纳头（GPT-2 small 的中间几层就有）：在“其他模型”里加载一个，再运行这一章。',
  'lesson.induction.look.offer':
    '应用自带的 {model}（无需下载）是内置 GPT-2 在说两遍的文本上继续训练的版本，训练到它有一个头学会了照抄：加载它再运行本章，看看有归纳头的模型怎样回答同一个问题。',
  'lesson.induction.look.asInductionHere':
    '这正是“{token}”第一次出现时跟在它后面的词元：在这个提示词上，这个头像归纳头那样，去查上一次接下来是什么。',
  'lesson.induction.look.bars': '第 {layer} 层第 {head} 个头从最后一个词元出发的注意力权重',
  'lesson.induction.look.why':
    '一个头怎么找得到前面那个“{token}”后面的词元？它在“{token}”处的查询，得和一个写着“我前面是 {token}”的键匹配上；可每个位置的向量一开始只知道自己是哪个词元。所以先要有更早一层的头把每个位置前面的词元加到这个位置上（“前一个词元”头）；这之后，“{next}”所在的位置就带着“在 {token} 后面”的信息，归纳头的查询就能找到它。两层里的两个头协同工作：这是一个回路（circuit），也是模型从自己的提示词里学习的方式之一。',
  'lesson.induction.look.whyCircuit':
    '在这个模型里，测试中作为“前一个词元”头得分最高的是第 {layer} 层第 {head} 个头（{score}）：它在更早的一层，正是这个回路所需要的。',
  'lesson.induction.copy.ask': '第二个“{token}”之后，这串词还要接着写。模型认为下一个最可能是哪个词元？',
  'lesson.induction.copy.reveal': '模型认为最可能的是“{token}”，也就是第一次出现时跟在它后面的词元（{probability}）。它照抄了。',
  'lesson.induction.copy.revealOther':
    '模型认为最可能的是“{top}”（{topProbability}）；第一次出现时跟在它后面的“{token}”得到 {probability}（排第 {rank}）。',
  'lesson.induction.copy.revealAbsent':
    '模型认为最可能的是“{top}”（{topProbability}）；第一次出现时跟在它后面的“{token}”不在它最可能的 {shown} 个词元之中。',
  'lesson.induction.copy.bars': '模型给每个选项的概率（T = 1）',
  'lesson.induction.copy.why':
    '这串词是随意编的，词义本身说明不了“{token}”后面是什么，只有提示词能说明；学会了从提示词照抄的模型，会给“{next}”很高的概率。模型之所以学会这一点，是因为文本总在重复自己：名字、短语、一行行代码。',
  'lesson.architectures.intro':
    'GPT-2（2019 年）定下了基本结构：词嵌入，然后是在残差流上一层层的注意力和 MLP，最后是输出层。今天大家使用的模型（Llama、Qwen2、Qwen3）保留了这个结构，只换掉了其中一些部件。应用现在会用其中两个内置模型——一个 GPT-2、一个 Llama——以同样的随机种子运行本章的提示词；在宽屏上，两张流程图会并排显示，不同的方框会被标出。',
  'lesson.architectures.position.ask': '词元“{token}”出现在位置 {a}，又出现在位置 {b}。在哪个模型里，进入第 1 层的这两个向量不同？',
  'lesson.architectures.differ.neither': '两个都不：{first} 和 {second} 两次都得到同一个向量',
  'lesson.architectures.differ.only': '只有 {model}',
  'lesson.architectures.differ.both': '{first} 和 {second} 都不同',
  'lesson.architectures.position.learned':
    '{model} 在第 1 层之前，把可学习位置嵌入表的第 t 行加到位置 t 的词元上。表中第 {a} 行和第 {b} 行之差的长度为 {positionGap}，所以进入第 1 层的两个向量之差的长度为 {gap}。',
  'lesson.architectures.position.rope': '{model} 在第 1 层之前不加任何表示位置的向量：进入第 1 层的两个向量之差的长度为 {gap}。',
  'lesson.architectures.position.turn':
    '在 {model} 里，位置是在注意力内部引入的（RoPE）：第 1 层的两个查询向量之差的长度，旋转之前为 {before}，旋转之后为 {after}。',
  'lesson.architectures.position.why':
    '可学习的位置嵌入表是 GPT-2 让注意力得知词序的办法，它的局限在于表的长度。旋转位置编码（RoPE）把每个头的查询和键按随位置增大的角度旋转，于是注意力分数只取决于两个词元相隔多远，而不取决于它们各自在哪里；残差流里不加任何东西。Llama、Qwen2 和 Qwen3 都使用 RoPE。',
  'lesson.architectures.kv.ask': '两个模型都把每个词元的键和值存进 KV 缓存。在哪个模型里，一层的键/值头比查询头少？',
  'lesson.architectures.fewer.neither': '两个都不：{first} 和 {second} 的键/值头都和查询头一样多',
  'lesson.architectures.fewer.only': '只有 {model}',
  'lesson.architectures.fewer.both': '{first} 和 {second} 都是',
  'lesson.architectures.kv.full': '{model}：每层 {queries} 个头，每个头都有自己的查询、键和值。它的缓存为每个词元保存 {bytes} 字节。',
  'lesson.architectures.kv.grouped':
    '{model}：每层 {queries} 个查询头，但只有 {kv} 个键/值头；每个键/值头供 {share} 个查询头使用。它的缓存为每个词元保存 {bytes} 字节。',
  'lesson.architectures.kv.why':
    'KV 缓存随每个词元增长，文本一长，它比权重更先占满内存。分组查询注意力（GQA）让几个查询头读取同一组键和值，缓存因此缩小相应的倍数，而每个头仍然提出自己的查询。Llama 3、Qwen2 和 Qwen3 都使用它；GPT-2 给每个头各自的键和值。',
};
