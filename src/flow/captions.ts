import type { MessageKey } from '../i18n/index.svelte';
import type { Trace } from '../engine/trace';
import { NODE_SPECS, boxContext, frameContext } from './nodes';
import { textParams } from './wording';
import { counted } from '../i18n/counting';
import type { Frame } from './timeline';

export interface Caption {
  key: MessageKey;
  params: Record<string, string | number>;
}

/** The sentence an instructor can read aloud at this frame, with the run's real numbers. `answer` and `reason`
 * params hold i18n keys of their own, resolved by the caller. */
export function captionFor(trace: Trace, frame: Frame, tokenLabel: (id: number) => string, generating: boolean, nodeKey: string = frame.node): Caption {
  const context = frameContext(trace, frame, 0, tokenLabel, generating);
  const spec = NODE_SPECS[frame.node];
  const box = boxContext(context);
  const base = { ...textParams(trace.config), layer: counted(context.layer), step: counted(frame.step), positions: context.t, ...(box && spec.size ? { shape: spec.size(box) } : {}) };
  const parts = spec.caption?.(context) ?? {};
  return { key: (parts.key ?? `flow.caption.${nodeKey}`) as MessageKey, params: { ...base, ...parts.params } };
}
