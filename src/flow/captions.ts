import type { MessageKey } from '../i18n/index.svelte';
import type { Trace } from '../engine/trace';
import { shape, stepSpan } from './liveValues';
import { textParams } from './wording';
import type { Frame } from './timeline';

export interface Caption {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** The sentence an instructor can read aloud at this frame, with the run's real numbers. `answer` and `reason`
 * params hold i18n keys of their own, resolved by the caller. */
export function captionFor(trace: Trace, frame: Frame, tokenLabel: (id: number) => string, generating: boolean, nodeKey: string = frame.node): Caption {
  const { config } = trace;
  const span = stepSpan(trace, frame.step);
  const decision = trace.steps[frame.step]?.decision;
  const t = span ? span.last - span.first + 1 : trace.promptLength;
  const layer = (frame.layer ?? 0) + 1;
  const base = { ...textParams(config), layer, step: frame.step + 1, positions: t };
  const withShape = (...dims: number[]) => ({ ...base, shape: shape(...dims) });
  const key = `flow.caption.${nodeKey}` as MessageKey;
  switch (frame.node) {
    case 'input':
      return { key, params: { text: trace.prompt.length > 80 ? `${trace.prompt.slice(0, 80)}…` : trace.prompt } };
    case 'tokenize':
      return { key, params: { count: trace.promptLength } };
    case 'embed':
    case 'posEmbed':
    case 'residual':
    case 'outProj':
    case 'residAdd2':
      return { key, params: withShape(t, config.dModel) };
    case 'qkv':
    case 'rope':
      // Q has a row per query head, K and V one per key/value head (fewer under grouped-query attention).
      return { key, params: { ...base, qShape: shape(t, config.nHead, config.dHead), kvShape: shape(t, config.nKvHead, config.dHead) } };
    case 'weightedSum':
      return { key, params: withShape(t, config.nHead, config.dHead) };
    case 'scores':
    case 'softmax':
      return { key, params: withShape(config.nHead, t, span?.keys ?? t) };
    case 'moreLayers':
      return { key, params: { ...base, answer: layer < config.nLayer ? 'flow.yes' : 'flow.no' } };
    case 'temperature':
      if (decision?.greedy) return { key: 'flow.caption.temperatureGreedy', params: {} };
      return { key, params: { temperature: decision?.settings.temperature ?? 0 } };
    case 'filter':
      return { key, params: { ...base, keptK: decision?.keptAfterTopK ?? 0, kept: decision?.keptAfterTopP ?? 0 } };
    case 'probabilities': {
      const top = decision?.candidates[0];
      return { key, params: { top: top ? tokenLabel(top.id) : '', probability: top ? `${(top.afterTopP * 100).toPrecision(3)}%` : '' } };
    }
    case 'sample':
      if (decision?.greedy) return { key: 'flow.caption.sampleGreedy', params: { token: tokenLabel(decision.chosenId) } };
      return { key, params: { draw: decision?.draw?.toPrecision(3) ?? '', token: decision ? tokenLabel(decision.chosenId) : '' } };
    case 'append':
      return { key, params: { token: decision ? tokenLabel(decision.chosenId) : '' } };
    case 'done': {
      const last = frame.step === trace.steps.length - 1 && !generating;
      return { key, params: { answer: last ? 'flow.yes' : 'flow.no' } };
    }
    case 'end':
      if (generating || !trace.stopReason) return { key: 'flow.caption.endRunning', params: {} };
      return { key, params: { reason: `flow.reason.${trace.stopReason}`, count: trace.steps.length, context: config.nCtx } };
    default:
      return { key, params: base };
  }
}
