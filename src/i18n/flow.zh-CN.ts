import type { flowEn } from './flow.en';

/** 流程图各框的中文标签、讲解字幕、说明（explain：这个框算什么）与原理（why：为什么要这样算）。
 * 术语：token 一律译作“词元”；logits 不译；GPT-2 的位置表是“位置嵌入（可学习）”，RoPE 是“旋转位置编码”。
 * “步”只指生成步（每生成一个词元是一步），流程图上的一格叫“框”。 */
export const flowZhCN: Record<keyof typeof flowEn, string> = {
  'flow.node.start': '开始',
  'flow.node.input': '输入文本',
  'flow.node.tokenize': '分词 → 词元 ID',
  'flow.node.embed': '词嵌入 W_E',
  'flow.node.posEmbed': '位置嵌入（可学习）W_pos',
  'flow.node.residual': '残差流 x',
  'flow.node.ln1': '层归一化 1',
  'flow.node.qkv': 'Q、K、V · {heads} 个头',
  'flow.node.scores': '分数 Q·Kᵀ / √d_head',
  'flow.node.mask': '因果掩码',
  'flow.node.softmax': 'Softmax → 注意力权重',
  'flow.node.weightedSum': '加权求和 z = A·V',
  'flow.node.outProj': '输出投影 W_O',
  'flow.node.residAdd1': '残差相加 x + 注意力',
  'flow.node.ln2': '层归一化 2',
  'flow.node.mlp': '前馈网络 MLP（GELU）',
  'flow.node.residAdd2': '残差相加 x + MLP',
  'flow.node.moreLayers': '还有下一层？',
  'flow.node.lnFinal': '最终层归一化',
  'flow.node.unembed': '输出层 → logits',
  'flow.node.unembedUntied': '输出层 W_U → logits',
  'flow.node.temperature': '温度：logits / T',
  'flow.node.filter': '先 Top-k，再 Top-p',
  'flow.node.probabilities': 'Softmax → 概率分布',
  'flow.node.sample': '采样',
  'flow.node.append': '追加到序列',
  'flow.node.done': '生成结束了吗？',
  'flow.node.end': '结束',
  'flow.node.residualRope': '残差流 x',
  'flow.node.ln1Rms': 'RMS 归一化 1',
  'flow.node.qkvGqa': 'Q（{heads} 个头）、K、V（{kvHeads} 个头）',
  'flow.node.qkvSplit': 'Q、K、V · {heads} 个头',
  'flow.node.rope': '旋转位置编码 RoPE',
  'flow.node.ln2Rms': 'RMS 归一化 2',
  'flow.node.mlpSwiglu': 'SwiGLU：SiLU(门) · 上投影',
  'flow.node.lnFinalRms': '最终 RMS 归一化',
  'flow.yes': '是',
  'flow.no': '否',
  'flow.counter.layer': '第 {layer} / {layers} 层',
  'flow.counter.token': '第 {token} / {tokens} 个词元',
  'flow.caption.start': '程序开始。',
  'flow.caption.loading': '模型加载好以后，这里会逐框讲解它的计算。',
  'flow.caption.input': '输入的是文本“{text}”。',
  'flow.caption.tokenize': '分词器把文本切成 {count} 个词元，并查出它们的 ID。',
  'flow.caption.embed': '生成第 {step} 步：{positions} 个新词元各自取出词嵌入矩阵中的一行：{shape}。',
  'flow.caption.embedNew': '生成第 {step} 步：新词元取出词嵌入矩阵中的一行：{shape}。',
  'flow.caption.embedFull':
    '生成第 {step} 步：这张计算图没有 KV 缓存，所以全部 {keys} 个词元都要重新经过模型，各自取出词嵌入矩阵中的一行；图中显示的是新词元的这一行：{shape}。',
  'flow.caption.posEmbed': '每个位置取出可学习的位置嵌入表中的一行，大小相同：{shape}。',
  'flow.caption.residual': '词向量加上位置向量，构成残差流：{shape}。',
  'flow.caption.residualRope': '只用词向量构成残差流：{shape}。位置信息在注意力内部才加入。',
  'flow.caption.ln1':
    '第 {layer} / {layers} 层：层归一化先把每个词元的向量中心化并缩放到方差 1，再乘以可学习的 γ、加上 β（显示的是这之后的数值）。',
  'flow.caption.ln1Rms': '第 {layer} / {layers} 层：RMS 归一化把每个词元的向量除以它的均方根，再乘以可学习的 γ。',
  'flow.caption.qkv': '第 {layer} 层：一次矩阵乘法得到每个头的查询、键和值：Q、K、V 各为 {qShape}。',
  'flow.caption.qkvSplit': '第 {layer} 层：三次矩阵乘法得到每个头的查询、键和值：Q、K、V 各为 {qShape}。',
  'flow.caption.qkvGqa':
    '第 {layer} 层：{heads} 个头都有查询，Q 为 {qShape}；键和值只有 {kvHeads} 个头，K、V 各为 {kvShape}，每个键/值头供 {group} 个查询头共用。',
  'flow.caption.rope':
    '第 {layer} 层：把 Q {qShape} 和 K {kvShape} 按角度 t·θ_i 旋转（底数 {theta}），于是查询与键的分数只通过两个位置之差依赖于位置。',
  'flow.caption.scores': '第 {layer} 层：每个查询与每个键做点积，再除以 √d_head = √{dHead}：{shape}。',
  'flow.caption.mask': '第 {layer} 层：因果掩码把所有“未来”词元的分数设为 −∞，任何词元都看不到后面的内容。',
  'flow.caption.softmax': '第 {layer} 层：Softmax 把每一行分数变成和为 1 的注意力权重：{shape}。',
  'flow.caption.weightedSum': '第 {layer} 层：每个头按注意力权重对值向量加权求和：{shape}。',
  'flow.caption.outProj': '第 {layer} 层：拼接各头的结果，再投影回残差流的宽度：{shape}。',
  'flow.caption.residAdd1': '第 {layer} 层：把注意力的输出加回残差流。',
  'flow.caption.ln2': '第 {layer} 层：进入 MLP 之前再做一次层归一化。',
  'flow.caption.ln2Rms': '第 {layer} 层：进入 MLP 之前再做一次 RMS 归一化。',
  'flow.caption.mlp': '第 {layer} 层：MLP 把每个向量扩展到 {dMlp} 维，经过 GELU，再投影回 {dModel} 维。',
  'flow.caption.mlpSwiglu': '第 {layer} 层：门控分支（SiLU）乘以线性分支，两者都是 {dMlp} 维，再投影回 {dModel} 维。',
  'flow.caption.residAdd2': '第 {layer} 层：把 MLP 的输出加回残差流：{shape}。',
  'flow.caption.moreLayers': '第 {layer} / {layers} 层完成。还有下一层吗？{answer}。',
  'flow.caption.lnFinal': '最后一层之后，再做一次最终层归一化。',
  'flow.caption.lnFinalRms': '最后一层之后，再做一次最终 RMS 归一化。',
  'flow.caption.unembed': '最后一个位置的向量乘以输出矩阵（W_E 的转置），为词表中每个词元算出一个 logit：共 {vocab} 个 logits。',
  'flow.caption.unembedUntied': '最后一个位置的向量乘以输出矩阵 W_U，为词表中每个词元算出一个 logit：共 {vocab} 个 logits。',
  'flow.caption.temperature': 'logits 除以温度 T = {temperature}；旁边的条形是这个温度下的 Softmax。',
  'flow.caption.temperatureGreedy': 'T = 0 表示贪心解码：logits 不做除法，直接取最大的那个。旁边的条形是 T = 1 时的 Softmax。',
  'flow.caption.filter': 'Top-k 从 {vocab} 个候选中保留 {keptK} 个；Top-p 再作用于它们重新归一化后的概率，保留 {kept} 个。',
  'flow.caption.filterGreedy': '贪心解码不做任何筛选，一个词元也不去掉（条形是整个词表上 T = 1 时的 Softmax）。',
  'flow.caption.probabilities': 'Softmax 把保留的 logits 变成概率；最高的是“{top}”，概率 {probability}。',
  'flow.caption.probabilitiesGreedy': '取最大的 logit 不需要概率；条形显示 T = 1 时的 Softmax。',
  'flow.caption.sample': '随机数 {draw} 选中了“{token}”。',
  'flow.caption.sampleGreedy': '贪心解码选出概率最大的词元“{token}”。',
  'flow.caption.append': '把“{token}”追加到序列末尾。',
  'flow.caption.appendForced': '把“{token}”追加到序列末尾：这是运行 A 的词元，喂给这次教师强制的运行；它自己采样选的是“{own}”。',
  'flow.caption.done': '结束了吗？{answer}。',
  'flow.caption.end': '程序结束：{reason}',
  'flow.caption.endRunning': '模型还在生成中。',
  'flow.reason.eos': '模型生成了文本结束符。',
  'flow.reason.max-tokens': '已生成 {count} 个新词元，达到设定的上限。',
  'flow.reason.context-full': '{context} 个词元的上下文已满。',
  'flow.reason.stopped': '你手动停止了生成。',
  'flow.explain.start':
    '仅解码器（decoder-only）的 Transformer 就是一个带两个循环的程序：一个循环依次经过网络的 {layers} 层，另一个循环逐个生成词元。',
  'flow.explain.input': '提示词是普通文本。模型看不到文字本身，下一个框要把文字变成数字。',
  'flow.explain.tokenize':
    'BPE 分词器把文本切成固定词表中的片段，每个片段对应一个整数 ID。词表里没有的字符会用字节词元拼出来，所以一个汉字可能占好几个词元。',
  'flow.explain.embed': '每个词元 ID 取出词嵌入矩阵 W_E 的一行：一个长度为 d_model = {dModel} 的可学习向量，代表这个词元。',
  'flow.explain.posEmbed': '每个位置 t 再加上自己的可学习向量，即 W_pos 的第 t 行；这张表共 {context} 行，模型能读的每个位置各占一行。',
  'flow.explain.residual': '两者之和就是残差流：每一层都从中读取，再把结果加回去。',
  'flow.explain.residualRope': '残差流一开始只是词向量。位置信息在每个注意力层内部加入：Q 和 K 按位置旋转一个角度（RoPE）。',
  'flow.explain.ln1': '层归一化减去向量的均值、除以标准差，再用可学习的 γ 和 β 对每一维缩放和平移。',
  'flow.explain.ln1Rms': 'RMS 归一化把每个向量除以它的均方根，再让每一维乘以可学习的 γ。它既不减去均值，也不加偏置。',
  'flow.explain.qkv':
    '一个可学习的矩阵把每个归一化后的向量变成查询（要找什么）、键（能提供什么）和值（要传递什么），每一个都切成 {heads} 个头，每个头 d_head = {dHead} 个数。',
  'flow.explain.qkvSplit':
    '三个可学习的矩阵把每个归一化后的向量变成查询（要找什么）、键（能提供什么）和值（要传递什么），每一个都切成 {heads} 个头，每个头 d_head = {dHead} 个数。',
  'flow.explain.qkvGqa':
    '三个可学习的矩阵把每个归一化后的向量变成 {heads} 个头的查询，但键和值只有 {kvHeads} 个头，每个头 d_head = {dHead} 个数：这是分组查询注意力，{group} 个查询头共用一个键/值头。',
  'flow.explain.rope':
    '旋转位置编码（RoPE）：q 和 k 的 d_head = {dHead} 个坐标组成 {half} 对 (i, i + d_head/2)。位置 t 上的词元，第 i 对旋转角度 t·θ_i，其中 θ_i = {theta}^(−2i/d_head)，i = 0 … d_head/2 − 1；V 不旋转。',
  'flow.explain.ropeScaled':
    '这个模型的配置还对频率做了缩放（rope_scaling “{scaling}”）：上面那个幂是缩放之前的频率（公式中的 θ⁰_i），模型实际用缩放后的 θ_i，把每一对旋转 t·θ_i。',
  'flow.explain.scores': '查询 i 对键 j 的分数是两者的点积，再除以 √d_head = √{dHead}。',
  'flow.explain.mask': '语言模型预测的是下一个词元，所以词元 i 只能看词元 1…i。对角线以上的分数变为 −∞，经过 Softmax 后权重为 0。',
  'flow.explain.softmax': 'Softmax 对每一行分数取指数再除以该行之和，得到注意力权重：介于 0 和 1 之间、每行和为 1。',
  'flow.explain.weightedSum': '每个头按自己的注意力权重混合被关注词元的值向量；然后把 {heads} 个头的结果（各 d_head 个数）拼接起来。',
  'flow.explain.outProj': 'W_O 把拼接后的各头投影回 d_model = {dModel} 维，这样才能加回残差流。',
  'flow.explain.residAdd1': '残差连接把注意力的输出加回它读取的残差流（归一化之前的 x）：这一层只需要学习“改变多少”。',
  'flow.explain.ln2': '第二次层归一化，为 MLP 做准备。',
  'flow.explain.ln2Rms': '第二次 RMS 归一化，为 MLP 做准备。',
  'flow.legend.mlp': 'W_in：扩展到 d_mlp 的线性变换；W_out：投影回 d_model 的线性变换。',
  'flow.legend.mlpSwiglu': 'W_gate：门；W_up：上投影；W_down：下投影。',
  'flow.explain.mlp':
    'MLP 对每个词元分别计算：先线性扩展到 d_mlp = {dMlp} 个神经元，经过 GELU 非线性，再线性投影回 d_model = {dModel} 维。',
  'flow.explain.mlpSwiglu':
    'SwiGLU：两个线性变换把每个词元的向量扩展到 d_mlp = {dMlp} 维，一个是经过 SiLU 的“门”，一个是线性的“上投影”分支；两者逐元素相乘，再经第三个线性变换投影回 d_model = {dModel} 维。',
  'flow.explain.residAdd2': '把 MLP 的输出加回残差流；这就是本层的输出，也是下一层的输入。',
  'flow.explain.moreLayers': '同一段程序在每一层各运行一次，每一层有自己的权重。这个判断就是层循环的计数器。',
  'flow.explain.lnFinal': '最后一层之后的最终层归一化。',
  'flow.explain.lnFinalRms': '最后一层之后的最终 RMS 归一化。',
  'flow.explain.unembed':
    '输出层（反嵌入，unembedding）为词表中每个词元打分：这里就是 W_E 的转置（权重共享），所以 {vocab} 个 logits 都是与词嵌入的点积。每个位置都有 logits；用来选下一个词元的是最后一个位置的。',
  'flow.explain.unembedUntied':
    '输出层（反嵌入，unembedding）W_U（模型的 lm_head，一个独立的矩阵）为词表中每个词元打分：共 {vocab} 个 logits。每个位置都有 logits；用来选下一个词元的是最后一个位置的。',
  'flow.explain.temperature':
    'logits 除以 T > 1 会让分布更平坦，不太可能的词元更常被选中；T < 1 让它更尖锐。T = 0 就是贪心解码：不做除法，直接取最大的 logit，相当于 T 越来越小时的极限。',
  'flow.explain.filter':
    'Top-k 只保留 logits 最高的 k 个，并把它们（在温度 T 下）的概率重新归一化为和 1。Top-p 再把这些重新归一化的概率从大到小累加，保留累计和达到 p（≥ p）的最短一段：p 是 Top-k 剩下部分中的比例，而不是整个词表中的比例。k = 0 或 p = 1 表示关闭对应的筛选。',
  'flow.explain.probabilities': '对保留下来的 logits（已除以温度 T）做 Softmax，得到真正用于采样的概率分布；被截掉的词元概率为 0。',
  'flow.explain.sample':
    '生成一个带种子的随机数 u（0 到 1 之间），把保留下来的词元的概率从大到小首尾相接排成一条线段，u 落在哪一段就选哪个词元。相同的种子得到相同的文本。',
  'flow.explain.append': '选中的词元加入序列。有 KV 缓存时，下一步只需计算这一个新位置；没有 KV 缓存的计算图要重算整个序列。',
  'flow.explain.done': '遇到文本结束符、达到最多生成词元数，或者上下文已满时，循环结束。',
  'flow.explain.end': '生成的文本就是提示词加上每一个追加的词元。',
  'flow.why.start':
    '把模型看作程序，一次前向计算就是同样几个运算在每一层重复一遍，最后选出一个词元；生成文本，就是为每个新词元把这个程序再运行一遍。权重里的大部分知识都是这样学来的（预训练）：在大量文本上，模型在每个位置同时预测下一个词元，损失是交叉熵 −log p（p 是它给真正的下一个词元的概率），梯度下降一遍又一遍地把每个权重朝着让损失变小的方向挪一点。聊天模型（比如名字带 Instruct 的推荐模型）之后还会在对话示例和人们更偏好的回答上继续调整。生成时只读取权重：运行模型不会改变它们。',
  'flow.why.input':
    '模型里没有任何部分认识字母或汉字：它做的一切都从下一个框产生的数字开始；一句话变成多少个数字，取决于分词器的词表（它为哪些文本片段准备了词元）。所以同一句话，用中文和英文写，占用的词元数可能不同。',
  'flow.why.tokenize':
    '如果按整词编表，词表会非常大，而且仍然会遇到没见过的词；如果按单个字节，序列又会很长。BPE 从很小的片段（字节，或以字节兜底的单个字符）出发，反复把训练文本中最常见的一对片段合并成一个：常用词成为一个词元，罕见的文本退回到字节，任何输入都不会超出词表。',
  'flow.why.embed':
    'ID 只是一个编号，数值大小没有意义。查出一行可学习的向量，网络才能用它计算；训练会让用法相近的词元在向量空间中彼此靠近（见词嵌入视图中的最近词元）。',
  'flow.why.posEmbed':
    '注意力的加权求和不在乎前面词元的先后顺序：没有位置信息时，第一层在“人”这个位置上看“狗咬人”和“咬狗人”是一样的（因果掩码让每个位置看到的前缀不同，会透露一些顺序信息，但只是间接的）。可学习的位置嵌入表是最简单的办法，但它只认识训练时见过的 {context} 个位置。',
  'flow.why.residual':
    '用一条不断累加的残差流，每一层只需读取所需的信息、写入一个小的修正，而不必重建整个表示。它还给梯度提供了直达每一层的通路，深层网络因此才训练得动。',
  'flow.why.residualRope':
    '残差流里不加任何表示位置的向量，所以它一开始只承载内容；位置只在真正需要的地方进来，也就是查询给键打分的时候，注意力的输出再把它带进残差流。旋转使分数只取决于两个词元的位置之差（键在查询之前多远），而不是它们各自的位置。',
  'flow.why.ln1':
    '每一层都往残差流里加东西，数值的尺度会漂移；不做归一化，后面的矩阵乘法会遇到越来越大或越来越小的输入。在乘 γ、加 β 之前，层归一化让每个词元的向量均值为 0、方差为 1，训练因此更稳定；γ 和 β 再让每一维保留合适的尺度和偏移。归一化放在分支上，而不在残差流上（前置归一化，pre-norm）：注意力读的是 x 归一化后的副本，它的输出却加回原来的 x。所以残差流从不被重新缩放，始终是词嵌入与各层输出直接相加之和；logit 透镜正因为这样，才能在任意一层之后读取它。',
  'flow.why.ln1Rms':
    '它只保留缩放：让向量的均方根为 1（再乘 γ），不做中心化，也没有偏置。模型训练效果与做中心化时相当，计算却更省，所以很多新模型都用它。归一化放在分支上，而不在残差流上（前置归一化，pre-norm）：注意力读的是 x 归一化后的副本，它的输出却加回原来的 x。所以残差流从不被重新缩放，始终是词嵌入与各层输出直接相加之和；logit 透镜正因为这样，才能在任意一层之后读取它。',
  'flow.why.qkv':
    '把注意力分成 {heads} 个头、每个头 d_head = {dHead} 维，每个头就能学到自己的“相关”标准：有的头关注前一个词元，有的头关注前面提到的名字。查询和键用不同的矩阵，“我要找什么”和“我能提供什么”就可以不同，注意力也就不必是对称的。',
  'flow.why.qkvSplit':
    '把注意力分成 {heads} 个头、每个头 d_head = {dHead} 维，每个头就能学到自己的“相关”标准：有的头关注前一个词元，有的头关注前面提到的名字。查询和键用不同的矩阵，“我要找什么”和“我能提供什么”就可以不同，注意力也就不必是对称的。',
  'flow.why.qkvGqa':
    '多个头让模型同时关注不同的东西。第 h 个查询头读取第 ⌈h · {kvHeads} / {heads}⌉ 个键/值头（都从 1 数起），所以每 {group} 个查询头共用一个：随每个词元增长的 KV 缓存因此缩小到 1/{group}，效果却几乎不受影响。它省的是内存，而不是注意力本身的计算：{heads} 个查询头仍然各自给每个键打分、各自对值加权求和，这两步的计算量和不共用时一样；变小的只有 K、V 投影和缓存。生成时，每一步都要从内存读取整个缓存，这往往是速度的瓶颈，所以缓存变小在这里也有帮助。',
  'flow.why.rope':
    '位置 t 上的 q 和位置 s 上的 k 分别转过与 t、s 成正比的角度，它们的点积就只通过位置差 s − t 依赖于位置：两个词元一起平移，分数不变。转得快的坐标对区分相邻的词元，转得慢的在很远的距离上仍有变化；底数 {theta} 来自这个模型的配置（rope_theta）。KV 缓存也因此可以直接存放旋转后的键：一个键的旋转只取决于它自己的位置，而追加词元从不改变这个位置，所以每个键在算出时旋转一次即可，之后每一步只需旋转新位置的查询和键。',
  'flow.why.scores':
    '如果 q 和 k 的 d_head = {dHead} 个坐标大致独立、均值为 0、方差为 1，它们的点积方差就是 d_head：典型大小随 √d_head 增长。除以 √d_head = {sqrtDHead} 把方差拉回 1；否则 Softmax 会把几乎全部权重压到最大的分数上，梯度也随之消失。',
  'flow.why.mask':
    '生成时，未来还不存在，所以训练时也不能让词元看到未来；有了掩码，一段训练文本的每个位置都能同时做一次“不作弊”的预测。KV 缓存也因此成立：前面词元的键和值从不依赖后面的词元，算出来之后对以后的每一步都保持正确。',
  'flow.why.softmax':
    'Softmax 把任意的分数变成和为 1 的正权重，输出就是值向量的加权平均；指数让最高的分数占主导，又不至于非此即彼。它处处光滑，所以“看哪里”可以用梯度下降学出来。',
  'flow.why.weightedSum':
    '信息正是在这一步于各位置之间流动：这是本层中唯一让一个词元的向量吸收其他词元内容的运算。其余运算都对每个位置分别进行。',
  'flow.why.outProj':
    '每个头都在自己的 d_head 维小空间里工作；W_O 把它们映射到共享的残差空间，各头的贡献在那里直接相加。所以可以逐个研究注意力头：注意力的输出就是各头贡献之和。',
  'flow.why.residAdd1':
    '用相加而不是替换，这一层一开始接近恒等映射，只需学习改变的部分；它没碰到的信息原样通过。后面的层（以及 logit 透镜）因此能读到前面的层写下的内容。',
  'flow.why.ln2': '无论注意力刚往残差流里加了多大的数，MLP 收到的输入尺度都受控：道理与层归一化 1 相同。',
  'flow.why.ln2Rms': '无论注意力刚往残差流里加了多大的数，MLP 收到的输入尺度都受控：道理与 RMS 归一化 1 相同。',
  'flow.why.mlp':
    '注意力在词元之间搬运信息；MLP 则对每个词元单独加工，模型“知道”的很多东西似乎就存放在这里。扩展到 d_mlp = {dMlp} 维（d_model 的 {ratio} 倍）提供了大量神经元，每个都能识别一种模式；GELU（x·Φ(x)，平滑版的 ReLU）让它们能开能关：没有非线性，两个矩阵会合并成一个线性变换。',
  'flow.why.mlpSwiglu':
    '注意力在词元之间搬运信息之后，MLP 对每个词元单独加工，模型“知道”的很多东西似乎就存放在这里。扩展到 d_mlp = {dMlp} 维提供了大量神经元，每个都能识别一种模式。非线性来自门控：线性分支逐元素乘以 SiLU(门) = 门·σ(门)，接近 0 时几乎挡住，越大放大越多，小的负值会翻转符号。没有门，W_up 和 W_down 就会合并成一个线性变换；而且用门控时，训练效果也比普通激活函数更好。SwiGLU 有三个矩阵而不是两个，所以它最初的设计把宽度从 d_model 的 4 倍缩小到约 8/3 倍，以保持参数量不变；这个模型用的是 d_model 的 {ratio} 倍。',
  'flow.why.residAdd2':
    '这次相加之后，残差流包含了本层的全部贡献，并成为下一层的输入。每一层都写进同一个空间，残差流就这样逐层累积关于下一个词元的证据。',
  'flow.why.moreLayers':
    '每一层运行同样的程序、用各自的权重；层层堆叠，后面的层就能利用前面的层发现的东西，比如“复制”头利用“前一个词元”头写下的信息。logit 透镜视图展示了预测是怎样一层一层形成的。',
  'flow.why.lnFinal':
    '输出层是在归一化后的向量上训练的，所以最后还要再归一化一次。logit 透镜对前面各层的残差流套用的正是这个最终层归一化。',
  'flow.why.lnFinalRms':
    '输出层是在归一化后的向量上训练的，所以最后还要再归一化一次。logit 透镜对前面各层的残差流套用的正是这个最终 RMS 归一化。',
  'flow.why.unembed':
    '权重共享时，一个词元的 logit 就是最终向量与这个词元自己的词嵌入的点积：向量指向哪些词元，模型就预测哪些词元，还省下了第二个 {vocab} 行的矩阵。logits 是未归一化的分数；对 Softmax 来说只有它们之间的差才重要。',
  'flow.why.unembedUntied':
    '独立的输出矩阵让“输出时的打分”可以不同于“输入时的含义”：一个词元的 logit 是最终向量与 W_U 中这个词元那一行的点积。logits 是未归一化的分数；对 Softmax 来说只有它们之间的差才重要。',
  'flow.why.temperature':
    '从 logits 往后都是解码：没有权重，只有一条把 logits 变成一个词元的规则，改动它不需要碰模型。除以 T 会按同一比例缩放 logits 之间的所有差距，所以候选的先后顺序不变，变的只是分布的集中程度。',
  'flow.why.filter':
    '即使是好模型，一长串不太可能的词元加起来也有可观的概率，从中抽中一次就可能让文本跑偏。Top-k 固定保留若干个候选；Top-p 则随情况调整：模型有把握时留得少，没把握时留得多。',
  'flow.why.probabilities':
    '在保留下来的词元上重新归一化，它们之间的比例与截断前完全相同：被截掉的概率按比例分给它们。所有 logits 同时加减同一个数，Softmax 的结果不变，所以代码先减去最大的 logit，以免溢出。',
  'flow.why.sample':
    '随机抽取而不是总取第一名，可以避免贪心解码常见的重复循环。带种子的随机数生成器让抽取可以复现：同样的提示词、设置和种子得到同样的文本，课堂上可以再演示一遍。',
  'flow.why.append':
    '语言模型每次只预测一个词元；更长的文本来自把每次的选择再送回模型。由于有因果掩码，已经算出的键和值仍然有效，KV 缓存因此省去了重算。',
  'flow.why.done': '没有停止规则，循环会一直运行到上下文用完。文本结束符和其他词元一样是学出来的：在训练文本结束的地方，模型学会预测它。',
  'flow.why.end': '你读到的文本就是提示词加上循环每走一圈产生的一个词元；产生它的每个数值都在轨迹里，可以导出。',
  // Qwen3 的 QK 归一化框（RoPE 之前对每个头的 Q、K 做 RMS 归一化）。
  'flow.node.qkNorm': 'QK 归一化：Q、K 的 RMS 归一化',
  'flow.caption.qkNorm': '第 {layer} 层：在 RoPE 之前，每个头的查询和键都在各自的 d_head = {dHead} 个数上做 RMS 归一化。',
  'flow.explain.qkNorm':
    '在 RoPE 之前，每个头的查询向量和键向量都除以它在 d_head = {dHead} 个数上的均方根，再乘以可学习的 γ（Q 一个、K 一个，所有头共用）。',
  'flow.why.qkNorm':
    '没有它，训练中少数查询或键的坐标可能变得很大，使某些分数极大，Softmax 随之饱和。对 q 和 k 做归一化后，每个分数都受可学习缩放的约束，注意力保持在合理范围内，训练也更稳定。',
  // ---- 开放模型：Qwen2 在 Q、K、V 上的偏置 ----
  'flow.explain.qkvBias': '这三个投影还各自加上一个可学习的偏置向量：Q = x̂·W_Q + b_Q，K 和 V 同理（输出投影和 MLP 没有偏置）。',
  // ---- 开放模型部分结束 ----
  // ---- 两种架构并排（src/flow/architectureDiff.ts）----
  'archCompare.open': '架构对比',
  'archCompare.openHint': '让第二个模型在旁边运行同一个提示词，逐个框看它的架构有哪些不同',
  'archCompare.close': '关闭对比',
  'archCompare.title': '两种架构，同一个提示词',
  'archCompare.beside': '与 {model} 并排：',
  'archCompare.embeddedModels': '内置模型',
  'archCompare.openedModels': '本标签页加载过的开放模型',
  'archCompare.openedHint': '在“其他模型”中从 Hub 加载过一次的开放模型也可以放在这里（从原来的来源或浏览器存储中再次读取）。',
  'archCompare.loading': '正在加载 {model}…',
  'archCompare.waiting': '等 {model} 运行完，再用同样的提示词、设置和随机种子运行。',
  'archCompare.size': '{family} · {layers} 层 · d_model {dModel} · {heads} 个头 · 词表 {vocab}',
  'archCompare.marked':
    '橙色虚线框是两个模型做法不同的地方：右边的列表说明各自在那里做什么。两张流程图播放同一步；点任一张图上的框，查看它的数值。',
  'archCompare.viewsShow': '视图显示：',
  'archCompare.plain': '{model} 按原样运行提示词：{first} 的运行关掉的、修补的或强制喂入的内容，旁边都不施加。',
  'archCompare.truncated': '提示词超出了 {model} 的上下文长度：旁边的运行去掉了开头的 {dropped} 个词元。',
  'archCompare.ended': '{model} 的运行提前结束了，生成了 {count} 个新词元：它的流程图停在最后一步。',
  'archCompare.differences': '逐框对比：哪里不同',
  'archCompare.same': '两者是同一种架构：每个框做的事都一样（只有尺寸和学到的数值不同）。',
  'archCompare.show': '看这里',
  'archCompare.failed': '{model} 没能在旁边运行：{reason}',
  'archDiff.title.position': '位置信息从哪里进入',
  'archDiff.position.learned': '一张可学习的位置表 W_pos：在第一层之前，把每个位置的向量加到词元的嵌入上，只加一次。',
  'archDiff.position.rope':
    '嵌入上不加任何表示位置的东西：每一层的注意力里，RoPE 把 Q 和 K 按随位置增大的角度旋转，所以位置只以两个词元相隔多远的方式进入分数。',
  'archDiff.title.norm': '归一化',
  'archDiff.norm.layernorm': '层归一化（LayerNorm）：减去向量的均值，除以标准差，再缩放和平移（γ、β）。',
  'archDiff.norm.rmsnorm': 'RMS 归一化（RMSNorm）：只除以均方根（不减均值，不平移），再缩放（γ）：计算更少。',
  'archDiff.title.projection': '计算 Q、K、V',
  'archDiff.projection.fused': '一个矩阵（c_attn）同时算出 Q、K、V，再拆开。',
  'archDiff.projection.split': '三个矩阵（q_proj、k_proj、v_proj）分别算出 Q、K、V。',
  'archDiff.title.heads': '注意力头',
  'archDiff.heads.all': '多头注意力：{heads} 个头各有自己的键和值。',
  'archDiff.heads.grouped':
    '分组查询注意力（GQA）：{heads} 个查询头共用 {kvHeads} 个键/值头，每个键/值头供 {share} 个查询头使用，所以 KV 缓存只有每个查询头各配一个键/值头时的 1/{share}。',
  'archDiff.title.qkNorm': 'QK 归一化',
  'archDiff.qkNorm.yes':
    '在 RoPE 之前，Q 和 K 各经过一个 RMSNorm（Q 一个、K 一个，每个头用同一组 γ），逐个头进行，让分数保持在合适的范围内。',
  'archDiff.qkNorm.no': 'Q 和 K 按投影的结果直接使用，没有单独的归一化。',
  'archDiff.title.mlp': 'MLP',
  'archDiff.mlp.gelu': '升维、GELU、降维：GELU(x·W_in)·W_out。',
  'archDiff.mlp.swiglu': 'SwiGLU：两个升维投影，其中一个经过 SiLU 作为门控，两者逐元素相乘，再降维：(SiLU(x·W_gate) ⊙ x·W_up)·W_down。',
  'archDiff.title.biases': '偏置',
  'archDiff.biases.everywhere': '各层里的每个线性变换都加一个可学习的偏置：Q、K、V、输出投影和 MLP 的两个。',
  'archDiff.biases.qkv': '只有 Q、K、V 三个投影加偏置。',
  'archDiff.biases.none': '各层里的线性变换都不加偏置。',
  'archDiff.title.unembedding': '从最后的向量到 logits',
  'archDiff.unembedding.tied': '共享权重：输出层就是词嵌入矩阵的转置（W_Eᵀ），两头用同一个矩阵。',
  'archDiff.unembedding.untied': '单独的矩阵：输出层（lm_head）是与词嵌入分开学习的一个矩阵。',
};
