import type { reproduceEn } from './reproduce.en';

/** 下载的 Python 校验脚本（src/export/check_run.py）的中文：注释（`c.*`、`md.*`）和它打印的内容（`m.*`，花括号里是
 * Python `str.format` 的字段）。 */
export const reproduceZhCN: Record<keyof typeof reproduceEn, string> = {
  'md.title': '在 Python 里核对一次 Transformer Flow 运行',
  'md.intro':
    '它用 Hugging Face transformers 和同一份权重，重新计算应用导出的这次运行，并把每个捕获的张量、\n每个采样出的词元与轨迹文件逐一比对。先 `pip install torch transformers onnx numpy`。\n作为脚本：`python {script} [trace.json] [--model-dir 文件夹]`。作为笔记本：按顺序运行各个单元格\n（模型是从本地文件夹读取的，请在下面设置 MODEL_DIR）。',
  'c.settings': '这次运行：导出的轨迹（放在本文件旁边）、应用运行的模型，以及模型文件在哪里。',
  'c.filesUrl': '应用读取模型文件的地址：config.json 和 ONNX 计算图从这里下载一次。',
  'c.modelDir': '也可以给一个本地文件夹，里面有 config.json 和计算图文件（内置模型：public/models/<名称>）。',
  'c.tolerance':
    '允许的最大差值，相对于所在行（一个位置的向量、一个头的向量、一行注意力）的最大绝对值（至少按 1 算）：\nonnxruntime 和 PyTorch 的求和顺序不同，低精度计算图在计算中还会取整。数值是在小型测试模型上测得的：\n见应用的 docs/reproduce.md。',
  'c.here': '没有写文件夹的文件名，在本脚本旁边查找（笔记本：在它所在的文件夹）。',
  'c.trace': '读取轨迹：模型运行的词元，以及应用捕获的每个张量。',
  'c.files': '像应用那样获取模型文件（或使用给定的文件夹）。',
  'c.firstGraph': '权重都在第一个计算图文件里（Optimum 用于缓存步骤的第二个计算图里是同样的权重）。',
  'c.externalData': '大的计算图把权重放在单独的文件里：一并下载。',
  'c.weights':
    '权重取自应用运行的同一个 ONNX 文件，装进 transformers 自己的模型类。\n量化计算图的权重会还原成数值（q8 计算图运行时还会对激活值取整，\n所以差值更大：见 TOLERANCE）。',
  'c.nodeNames': '导出工具按节点来自的模块给节点命名：/model/layers.0/self_attn/q_proj/MatMul。',
  'c.named': '偏置和归一化的权重保留 transformers 里的名字。',
  'c.ownHead':
    '计算图里有自己的输出矩阵（lm_head），即使 config.json 说它与词嵌入共享\n（导出工具可能把它单独存储、单独量化）：用计算图里的这个。',
  'c.intervention':
    '这次运行关掉或修补（patch）了什么，与应用的输入方式相同：每个头的输出 z 乘以一个缩放系数，\n再加上一个偏移（z · 缩放 + 偏移）；每层 MLP 的输出也是如此。',
  'c.counted': '层、头和位置从 1 开始数，与应用屏幕上一致（轨迹文件从 0 开始数）。',
  'c.hooks': '用一次前向计算重算所有位置，在 transformers 的模块上挂前向钩子（forward hook）。名字与轨迹一致\n（TransformerLens 的命名）。',
  'c.z': 'z 是输出投影的输入：关掉的头和修补进来的行都在这里施加。',
  'c.mlp': 'MLP 的输出乘以缩放系数，再加上偏移。',
  'c.attention':
    '由重新计算的 Q 和 K 算注意力分数和注意力模式（Llama 和 Qwen 在 RoPE 之后，Qwen3 还先经过 QK 归一化）：\nQ·Kᵀ/√d_head，因果掩码，再 softmax。分组查询注意力（GQA）下，查询头 h 读取键头 ⌊h · n_kv / n_head⌋。',
  'c.compare': '把每个捕获的张量与这里算出的比对。',
  'c.nulls':
    '文件里的 null 表示没有保留的数（大模型精简运行中一整个位置的行），或者查询看不到的数（对角线以上的分数）。\n其他地方的 null 代表 NaN 或无穷大：这是错误。',
  'c.perRow': '每一行按 TOLERANCE 乘以该行的最大绝对值来核对：张量里别处少数很大的激活值，不会放宽其他行的核对。',
  'c.sampling':
    '每个采样出的词元：同一个带种子的随机数生成器（mulberry32）给出同一个随机数；\n在这里的 logits 上做温度、top-k 和 top-p，必须选中应用选中的那个词元。',
  'c.ownLogits': '先精确核对应用自己的采样：用轨迹里这个位置的 logits、这一步的设置和随机数。',
  'c.rounding':
    '计算图对激活值取整时，应用的 logits 与 float32 的略有不同：随机数落在两个词元的分界附近时，\nfloat32 的 logits 可能选中相邻的那个。只有应用自己的采样和它的 logits 都已核对无误时，才单独计数。',
  'c.recomputedLogits':
    '这个位置的 logits 是运行之后重新计算的（大模型的导出），不是采样时用的那些：\n在会取整的计算图里，或者在分界附近，它们可能选中相邻的词元。',
  'c.verdict': '结论。',
  'm.usage': '用 transformers 重算一次导出的 Transformer Flow 运行，并与轨迹比对。',
  'm.noTrace': '找不到轨迹文件 {file}：请在应用里导出这次运行的轨迹（Python 核对… → 轨迹），放在本脚本旁边，或给出它的路径。',
  'm.traceRead': '{model} 的轨迹：{positions} 个位置，{captures} 个捕获的张量。',
  'm.needFolder':
    '这个模型是从本地文件读取的：请用 --model-dir 给出它的文件夹（笔记本里：MODEL_DIR = "…"），里面要有 config.json 和 ONNX 计算图。',
  'm.downloading': '正在下载 {file}',
  'm.downloadFailed': '无法下载 {file}（{reason}）。请自己下载模型文件，再用 --model-dir 给出它们的文件夹。',
  'm.missingWeights': 'ONNX 文件里找不到 {count} 个权重：{names}',
  'm.modelLoaded': '已把 {model}（{architecture}，{precision}）载入 transformers。',
  'm.byMean': '（换成均值）',
  'm.patchedCell': '修补的格子 {grid} {where}',
  'm.intervention': '这次运行改动了：{what}。',
  'm.notKept': '这份轨迹没有保留 {count} 个张量（跳过）：{hooks}',
  'm.unknownHook': '{hook}：本脚本不计算它。',
  'm.shapeDiffers': '{hook}：这里的形状是 {ours}，轨迹里是 {theirs}。',
  'm.notFinite': '{hook}：轨迹里有 {count} 个值是 NaN 或无穷大（第一个在下标 {at}）。',
  'm.tensorDiffers': '{hook}：最大相差该行量级的 {difference}（允许 {allowed}），在下标 {at}。',
  'm.drawDiffers': '位置 {position} 的这一步：这里的随机数是 {ours}，轨迹里是 {theirs}。',
  'm.samplingDiffers': '位置 {position} 的这一步：对轨迹自己的 logits 采样选中词元 {ours}，轨迹里是 {theirs}。',
  'm.tooClose': '位置 {position} 的这一步：随机数落在两个词元的分界 1e-5 以内（无法判定）。',
  'm.roundingMoved':
    '位置 {position} 的这一步：用 float32 的 logits，这个随机数选中词元 {ours}；应用的 {precision} logits 选中了 {theirs}（分界附近的取整）。',
  'm.notChecked':
    '位置 {position} 的这一步：重算的 logits 选中了另一个词元，而轨迹没有保留这个位置的 logits，无法区分取整和错误（未核对）。',
  'm.tokenDiffers': '位置 {position} 的这一步：这里选中词元 {ours}，轨迹里是 {theirs}。',
  'm.fedDiffers': '位置 {position} 的这一步：接着输入的词元不是选中的那个。',
  'm.nothingChecked': '轨迹里没有可以比对的张量。',
  'm.disagree': '不一致：{tensors} 个张量、{steps} 步不同。',
  'm.agree': '一致：比对了 {captures} 个捕获张量中的 {checked} 个，每一行都在其量级的 {tolerance} 以内（{precision}；最大差值 {worst}）。',
  'm.agreeKept': '没有比对、因为轨迹没有保留的：{tensors} 个张量，以及其他张量中的 {rows} 行。',
  'm.stepsSame': '采样的词元：{steps} 个中有 {same} 个与应用选的相同。',
  'm.movedSteps': '其中 {count} 个取自应用的 {precision} logits；用 float32 的 logits，这个随机数会落到相邻的词元上（见上）。',
  'm.closeSteps': '{count} 个无法判定（见上）。',
  'm.uncheckedSteps': '{count} 个未核对（见上）。',
};
