// A checker for the exported Trace, following docs/trace-format.md; shared by the unit and browser tests.
export function validateTraceDocument(document: any): string[] {
  const problems: string[] = [];
  const need = (condition: boolean, message: string) => {
    if (!condition) problems.push(message);
  };
  need(document.format === 'transformer-flow-trace', 'format');
  need(document.version === 1, 'version');
  const model = document.model ?? {};
  for (const field of ['name', 'architecture', 'nLayer', 'nHead', 'nKvHead', 'dModel', 'dHead', 'dMlp', 'nCtx', 'vocabSize'])
    need(field in model, `model.${field}`);
  need(['webgpu', 'wasm'].includes(document.backend), 'backend');
  need(typeof document.prompt === 'string', 'prompt');
  need(Array.isArray(document.tokens) && document.tokens.length > 0, 'tokens');
  for (const token of document.tokens ?? [])
    need(Number.isInteger(token.id) && Array.isArray(token.bytes) && typeof token.piece === 'string', 'token fields');
  const n = document.computedPositions;
  need(Number.isInteger(n) && n > 0 && n <= document.tokens.length, 'computedPositions');
  need(document.promptLength <= document.tokens.length, 'promptLength');
  const perLayer: Record<string, number> = { gpt2: 16, llama: 19, qwen2: 19, qwen3: 21 };
  const expectedHooks = (model.architecture === 'gpt2' ? 4 : 3) + (perLayer[model.architecture] ?? NaN) * model.nLayer;
  need(Object.keys(document.captures ?? {}).length === expectedHooks, `captures: ${expectedHooks} hooks`);
  for (const [hook, capture] of Object.entries<any>(document.captures ?? {})) {
    const size = capture.shape.reduce((a: number, b: number) => a * b, 1);
    need(capture.data.length === size, `${hook}: data length ${capture.data.length} ≠ shape ${capture.shape}`);
    if (capture.layout === 'attention')
      need(capture.shape[0] === model.nHead && capture.shape[1] === n && capture.shape[2] === n, `${hook}: attention shape`);
    else need(capture.shape[0] === n, `${hook}: first axis is the position`);
  }
  need(document.captures?.logits?.shape[1] === model.vocabSize, 'logits width');
  need(Array.isArray(document.steps), 'steps');
  for (const step of document.steps ?? []) {
    const decision = step.decision;
    need(Number.isInteger(step.position) && decision && Number.isInteger(decision.chosenId), 'step fields');
    // A teacher-forced run feeds another run's token whatever its own decision drew: the token fed is the next one.
    const next = document.feeding === 'teacher-forced' ? step.token?.id : decision.chosenId;
    need(document.tokens[step.position + 1]?.id === next, `step at ${step.position}: the token fed is the next token`);
    need(Array.isArray(decision.candidates) && decision.candidates.length > 0, 'candidates');
    for (const key of ['logit', 'probability', 'scaledProbability', 'afterTopK', 'afterTopP'])
      need(key in (decision.candidates[0] ?? {}), `candidate.${key}`);
    const held = decision.heldBack;
    if (held !== undefined) {
      need(
        Array.isArray(held.ids) && held.ids.length > 0 && held.ids.every((id: number) => model.stopTokenIds?.includes(id)),
        `step at ${step.position}: heldBack.ids are stop tokens`,
      );
      need(
        held.produced < held.minNewTokens && held.minNewTokens === document.settings?.minNewTokens,
        `step at ${step.position}: held back only below minNewTokens`,
      );
      need(held.probability >= 0 && held.probability <= 1, `step at ${step.position}: heldBack.probability`);
      need(
        !decision.candidates.some((c: { id: number }) => held.ids.includes(c.id)),
        `step at ${step.position}: a held-back token is no candidate`,
      );
    }
  }
  need(['eos', 'max-tokens', 'context-full', 'stopped', null].includes(document.stopReason), 'stopReason');
  // Absent in older exports: run A, sampled.
  need(document.run === undefined || ['A', 'B'].includes(document.run), 'run');
  need(document.feeding === undefined || ['sampled', 'teacher-forced'].includes(document.feeding), 'feeding');
  need(
    document.recomputedHooks === undefined ||
      (Array.isArray(document.recomputedHooks) &&
        document.recomputedHooks.every((hook: unknown) => typeof hook === 'string' && hook in (document.captures ?? {}))),
    'recomputedHooks',
  );
  return problems;
}
