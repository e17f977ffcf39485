import { i18n, type MessageKey, type Translate } from '../i18n/index.svelte';
import { counted } from '../i18n/counting';
import { formatShape } from '../i18n/shapes';
import type { Trace } from '../engine/trace';
import { NODE_SPECS, boxContext, frameContext, type TensorShape } from './nodes';
import { textParams } from './wording';
import type { Frame } from './timeline';

export interface Caption {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** The sentence an instructor can read aloud at this frame, with the run's real numbers. `answer` and `reason`
 * params hold i18n keys of their own, resolved by the caller; shapes are written out with their axes' names by
 * `t` (the page's language unless given); `cached`: whether the graph has a KV cache (null: not known). */
export function captionFor(
  trace: Trace,
  frame: Frame,
  tokenLabel: (id: number) => string,
  generating: boolean,
  nodeKey: string = frame.node,
  t: Translate = i18n.t,
  cached: boolean | null = true,
): Caption {
  const context = frameContext(trace, frame, 0, tokenLabel, generating, cached);
  const spec = NODE_SPECS[frame.node];
  const box = boxContext(context);
  const base = {
    ...textParams(trace.config),
    layer: counted(context.layer),
    step: counted(frame.step),
    positions: context.t,
    ...(box && spec.size ? { shape: spec.size(box) } : {}),
  };
  const parts = spec.caption?.(context) ?? {};
  const written = (value: string | number | TensorShape) => (typeof value === 'object' ? formatShape(value, t) : value);
  const params = Object.fromEntries(Object.entries({ ...base, ...parts.params }).map(([name, value]) => [name, written(value)]));
  return { key: (parts.key ?? `flow.caption.${nodeKey}`) as MessageKey, params };
}
