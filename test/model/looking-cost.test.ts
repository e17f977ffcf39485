// What looking costs (src/engine/lookingCost.ts), on the embedded models in Node: the capturing graph's pass
// against the same graph with no capture outputs, and the bytes a token hands over.
import { describe, expect, it } from 'vitest';
import { onnx } from 'onnx-proto';
import { measureLookingCost } from '../../src/engine/lookingCost';
import { FULL_CAPTURE, captureBytesPerPosition, planCaptures } from '../../src/engine/capturePlan';
import { HEAD_SCALE_INPUT } from '../../src/engine/probe/intervention';
import { EMBEDDED_MODELS, loadEngine } from './helpers';

describe('the cost of looking', () => {
  for (const model of EMBEDDED_MODELS) {
    it(`${model}: both passes timed; a token hands over every capture point's row at its context; the plain graph outputs only the model's own`, async () => {
      const engine = await loadEngine(model);
      const { config, probed, session, generator } = engine;
      const plain = onnx.ModelProto.decode((await probed.plain()).bytes);
      expect(plain.graph!.output!.map((output) => output.name)).toEqual(probed.outputNames);
      expect(plain.graph!.input!.some((input) => input.name === HEAD_SCALE_INPUT)).toBe(true);
      // The probed graph itself still has every capture point among its outputs.
      expect(onnx.ModelProto.decode(probed.bytes).graph!.output!.length).toBeGreaterThan(
        probed.outputNames.length + probed.points.length / 2,
      );

      const full = (await measureLookingCost(generator, { session, probed }, config, FULL_CAPTURE))!;
      expect(full.capturingMs).toBeGreaterThan(0);
      expect(full.plainMs).toBeGreaterThan(0);
      expect(full.tokens).toBe(12);
      // One position of every capture point, attention rows over the whole context (two hooks of one tensor once).
      const shared = new Set<string>();
      const once = probed.points.filter((point) => (shared.has(point.tensor) ? false : (shared.add(point.tensor), true)));
      expect(full.bytesPerToken).toBe(captureBytesPerPosition(config, once, full.context));
      // The lean plan hands over less: the residual stream, the embeddings, the final norm and the logits.
      const lean = (await measureLookingCost(generator, { session, probed }, config, { mode: 'lean', layers: [] }))!;
      expect(lean.bytesPerToken).toBeLessThan(full.bytesPerToken / 2);
      const leanOnce = once.filter((point) => planCaptures({ mode: 'lean', layers: [] }, point));
      expect(lean.bytesPerToken).toBe(captureBytesPerPosition(config, leanOnce, lean.context));
    }, 120_000);
  }
});
