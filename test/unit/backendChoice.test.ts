import { describe, expect, it, vi } from 'vitest';
import {
  MEASURE_LIMIT_BYTES,
  choiceKey,
  choiceReason,
  describeAdapter,
  fasterBackend,
  isSoftwareAdapter,
  measuredChoice,
  planAuto,
  planChoice,
  planRequest,
  type AdapterReport,
  type RememberedChoice,
} from '../../src/engine/backendChoice';
import { CHOICES_KEY, MAX_CHOICES, measureBackends, readChoices, rememberChoice, type Measurement } from '../../src/app/autoBackend';
import type { EngineClient } from '../../src/app/engineClient';
import type { LoadResult } from '../../src/engine/protocol';

const hardware: AdapterReport = { kind: 'hardware', reason: null, description: 'nvidia ampere' };
const software: AdapterReport = { kind: 'software', reason: null, description: 'google swiftshader' };
const remembered = (backend: 'webgpu' | 'wasm', at = 1): RememberedChoice => ({ backend, webgpuMs: 2.5, wasmMs: 4, at });

describe('software adapters count as no GPU', () => {
  it('recognises SwiftShader as headless Chromium 156 reports it, llvmpipe, Microsoft Basic Render and the fallback flag', () => {
    // The info Chromium 156 headless gives here (test/browser/backend.test.ts reads it live).
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true })).toBe(
      true,
    );
    expect(isSoftwareAdapter({ vendor: 'google', architecture: 'swiftshader' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'microsoft', description: 'Microsoft Basic Render Driver' })).toBe(true);
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere' }, true)).toBe(true);
  });

  it('does not take real GPUs for software', () => {
    expect(isSoftwareAdapter({ vendor: 'nvidia', architecture: 'ampere', description: 'NVIDIA GeForce RTX 3060' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'apple', architecture: 'metal-3' })).toBe(false);
    expect(isSoftwareAdapter({ vendor: 'intel', architecture: 'gen-12lp', isFallbackAdapter: false })).toBe(false);
    expect(isSoftwareAdapter({})).toBe(false);
  });

  it('names an adapter by its non-empty, distinct info fields', () => {
    expect(describeAdapter({ vendor: 'google', architecture: 'swiftshader', device: '', description: '' })).toBe('google swiftshader');
    expect(describeAdapter({ vendor: 'apple', architecture: 'metal-3', device: 'apple', description: ' Apple M2 ' })).toBe(
      'apple metal-3 Apple M2',
    );
    expect(describeAdapter({})).toBe('');
  });
});

describe('the auto plan', () => {
  it('goes to WASM without a usable GPU, saying why', () => {
    expect(planAuto({ kind: 'none', reason: 'no-webgpu', description: '' }, 1e6, undefined)).toEqual({ kind: 'wasm', reason: 'no-webgpu' });
    expect(planAuto({ kind: 'none', reason: 'no-adapter', description: '' }, 1e6, undefined)).toEqual({
      kind: 'wasm',
      reason: 'no-adapter',
    });
    // A software adapter wins over a remembered WebGPU choice (the memory is per adapter, but be safe).
    expect(planAuto(software, 1e6, remembered('webgpu'))).toEqual({ kind: 'wasm', reason: 'software-adapter' });
  });

  it('on a real GPU: what was measured before, else measure a model that fits, else WebGPU', () => {
    expect(planAuto(hardware, 1e6, remembered('wasm'))).toEqual({ kind: 'remembered', remembered: remembered('wasm') });
    expect(planAuto(hardware, MEASURE_LIMIT_BYTES, undefined)).toEqual({ kind: 'measure' });
    expect(planAuto(hardware, MEASURE_LIMIT_BYTES + 1, undefined)).toEqual({ kind: 'webgpu' });
    // A remembered measurement applies to a large model too.
    expect(planAuto(hardware, MEASURE_LIMIT_BYTES * 4, remembered('wasm')).kind).toBe('remembered');
  });

  it('asks the session for the planned backend and names the WASM reason', () => {
    expect(planRequest({ kind: 'wasm', reason: 'software-adapter' })).toEqual({ request: 'wasm', wasmReason: 'software-adapter' });
    expect(planRequest({ kind: 'measure' })).toEqual({ request: 'wasm', wasmReason: 'measuring' });
    expect(planRequest({ kind: 'remembered', remembered: remembered('wasm') })).toEqual({ request: 'wasm', wasmReason: 'measured' });
    // WebGPU plans still fall back to WASM when the session cannot be created.
    expect(planRequest({ kind: 'remembered', remembered: remembered('webgpu') })).toEqual({
      request: 'auto',
      wasmReason: 'session-failed',
    });
    expect(planRequest({ kind: 'webgpu' })).toEqual({ request: 'auto', wasmReason: 'session-failed' });
  });

  it('describes what ran: remembered timings, a large model on WebGPU, a failed WebGPU session', () => {
    const plan = { kind: 'remembered', remembered: remembered('webgpu') } as const;
    expect(planChoice(plan, { backend: 'webgpu', fallbackReason: null }, 'nvidia ampere')).toEqual({
      backend: 'webgpu',
      fallbackReason: null,
      webgpuReason: 'measured',
      adapter: 'nvidia ampere',
      timings: { webgpuMs: 2.5, wasmMs: 4, remembered: true },
    });
    expect(
      planChoice({ kind: 'remembered', remembered: remembered('wasm') }, { backend: 'wasm', fallbackReason: 'measured' }, 'x').timings
        ?.remembered,
    ).toBe(true);
    expect(planChoice({ kind: 'webgpu' }, { backend: 'webgpu', fallbackReason: null }, 'x').webgpuReason).toBe('large-model');
    expect(planChoice(plan, { backend: 'wasm', fallbackReason: 'session-failed' }, 'x')).toEqual({
      backend: 'wasm',
      fallbackReason: 'session-failed',
      adapter: 'x',
    });
    expect(
      planChoice(
        { kind: 'wasm', reason: 'software-adapter' },
        { backend: 'wasm', fallbackReason: 'software-adapter' },
        'google swiftshader',
      ),
    ).toEqual({
      backend: 'wasm',
      fallbackReason: 'software-adapter',
      adapter: 'google swiftshader',
    });
  });
});

describe('a measurement', () => {
  it('keeps the faster backend, WASM on a tie', () => {
    expect(fasterBackend({ webgpuMs: 3, wasmMs: 5 })).toBe('webgpu');
    expect(fasterBackend({ webgpuMs: 50, wasmMs: 4 })).toBe('wasm');
    expect(fasterBackend({ webgpuMs: 4, wasmMs: 4 })).toBe('wasm');
    expect(measuredChoice({ webgpuMs: 3, wasmMs: 5 }, 'a')).toEqual({
      backend: 'webgpu',
      fallbackReason: null,
      webgpuReason: 'measured',
      adapter: 'a',
      timings: { webgpuMs: 3, wasmMs: 5, remembered: false },
    });
    expect(measuredChoice({ webgpuMs: 50, wasmMs: 4 }, undefined)).toEqual({
      backend: 'wasm',
      fallbackReason: 'measured',
      timings: { webgpuMs: 50, wasmMs: 4, remembered: false },
    });
  });

  it('gives the badge one reason for either backend', () => {
    expect(choiceReason({ backend: 'wasm', fallbackReason: 'measured' })).toBe('measured');
    expect(choiceReason({ backend: 'webgpu', fallbackReason: null, webgpuReason: 'measured' })).toBe('measured');
    expect(choiceReason({ backend: 'webgpu', fallbackReason: null, webgpuReason: 'forced' })).toBe('forced');
    expect(choiceReason({ backend: 'wasm', fallbackReason: 'software-adapter' })).toBe('software-adapter');
    expect(choiceReason({ backend: 'webgpu', fallbackReason: null })).toBeNull();
  });

  it('is keyed by model, graph file and adapter', () => {
    const key = choiceKey('/models/flow-gpt2-tiny', 'onnx/model.onnx', 'nvidia ampere');
    expect(key).toBe('/models/flow-gpt2-tiny#onnx/model.onnx @ nvidia ampere');
    expect(key).not.toBe(choiceKey('/models/flow-gpt2-tiny', 'onnx/model_q4.onnx', 'nvidia ampere'));
    expect(key).not.toBe(choiceKey('/models/flow-gpt2-tiny', 'onnx/model.onnx', 'intel gen-12lp'));
  });
});

class MemoryStorage {
  items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

describe('the browser keeps measurements', () => {
  it('reads back what it wrote, and leaves out malformed entries', () => {
    const storage = new MemoryStorage();
    rememberChoice(storage, 'a', remembered('webgpu', 5));
    expect(readChoices(storage)).toEqual({ a: remembered('webgpu', 5) });
    storage.setItem(
      CHOICES_KEY,
      JSON.stringify({
        a: remembered('wasm'),
        b: { backend: 'cuda', webgpuMs: 1, wasmMs: 2, at: 1 },
        c: { backend: 'wasm', webgpuMs: 'x' },
        d: null,
      }),
    );
    expect(readChoices(storage)).toEqual({ a: remembered('wasm') });
    storage.setItem(CHOICES_KEY, '{not json');
    expect(readChoices(storage)).toEqual({});
    expect(readChoices(null)).toEqual({});
  });

  it(`keeps the newest ${MAX_CHOICES}`, () => {
    const storage = new MemoryStorage();
    for (let i = 0; i < MAX_CHOICES + 5; i++) rememberChoice(storage, `m${i}`, remembered('wasm', 1000 + i));
    const kept = readChoices(storage);
    expect(Object.keys(kept)).toHaveLength(MAX_CHOICES);
    expect(kept['m0']).toBeUndefined();
    expect(kept[`m${MAX_CHOICES + 4}`]?.at).toBe(1000 + MAX_CHOICES + 4);
  });

  it('survives a storage that refuses to write', () => {
    const refusing = {
      getItem: () => null,
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    expect(() => rememberChoice(refusing, 'a', remembered('wasm'))).not.toThrow();
  });
});

/** A stand-in worker: answers `time` with the given milliseconds and `load` with a model on its backend. */
function fakeClient(ms: number, backend: 'webgpu' | 'wasm', log: string[]) {
  return {
    terminated: false,
    async call(body: { type: string }) {
      log.push(`${backend}:${body.type}`);
      if (body.type === 'time') return ms;
      if (body.type === 'load') return model(backend);
      throw new Error(body.type);
    },
    terminate() {
      this.terminated = true;
      log.push(`${backend}:terminate`);
    },
  };
}

function model(backend: 'webgpu' | 'wasm'): LoadResult {
  return {
    choice:
      backend === 'wasm'
        ? { backend, fallbackReason: 'measuring', adapter: 'nvidia ampere' }
        : { backend, fallbackReason: null, webgpuReason: 'forced' },
    choiceKey: backend === 'wasm' ? 'm#onnx/model.onnx @ nvidia ampere' : null,
  } as LoadResult;
}

describe('measuring both backends', () => {
  async function measure(webgpuMs: number, wasmMs: number, options: { stale?: () => boolean } = {}) {
    const log: string[] = [];
    const wasm = fakeClient(wasmMs, 'wasm', log);
    const probe = fakeClient(webgpuMs, 'webgpu', log);
    const applied: Measurement[] = [];
    let holding = false;
    const storage = new MemoryStorage();
    vi.stubGlobal('localStorage', storage);
    await measureBackends({
      client: wasm as unknown as EngineClient,
      model: model('wasm'),
      loadOnWebgpu: (client) => client.call({ type: 'load', baseUrl: '/m', backend: 'webgpu' }),
      whenIdle: async () => void log.push('idle'),
      holdRuns: async () => {
        holding = true;
        log.push('hold');
        return () => {
          holding = false;
          log.push('release');
        };
      },
      stale: options.stale ?? (() => false),
      apply: (measurement) => {
        // Applied while the runs are still held, so a waiting run starts on the kept worker.
        expect(holding).toBe(true);
        applied.push(measurement);
      },
      newClient: () => probe as unknown as EngineClient,
    });
    vi.unstubAllGlobals();
    return { log, applied, probe, storage: readChoices(storage) };
  }

  it('keeps WASM when it is faster: the probe is dropped and the choice remembered', async () => {
    const { log, applied, probe, storage } = await measure(200, 4);
    expect(log).toEqual(['idle', 'webgpu:load', 'hold', 'wasm:time', 'webgpu:time', 'webgpu:terminate', 'release']);
    expect(applied).toHaveLength(1);
    expect(applied[0]!.outcome).toBe('wasm');
    expect(applied[0]!.model.choice).toEqual({
      backend: 'wasm',
      fallbackReason: 'measured',
      adapter: 'nvidia ampere',
      timings: { webgpuMs: 200, wasmMs: 4, remembered: false },
    });
    expect(probe.terminated).toBe(true);
    expect(storage['m#onnx/model.onnx @ nvidia ampere']).toMatchObject({ backend: 'wasm', webgpuMs: 200, wasmMs: 4 });
  });

  it('moves to the WebGPU worker when it is faster', async () => {
    const { applied, probe, storage } = await measure(2, 5);
    expect(applied[0]!.outcome).toBe('webgpu');
    expect(applied[0]!.model.choice).toMatchObject({
      backend: 'webgpu',
      fallbackReason: null,
      webgpuReason: 'measured',
      timings: { webgpuMs: 2, wasmMs: 5 },
    });
    expect(applied[0]!.outcome === 'webgpu' && applied[0]!.client).toBe(probe);
    expect(probe.terminated).toBe(false);
    expect(storage['m#onnx/model.onnx @ nvidia ampere']?.backend).toBe('webgpu');
  });

  it('applies nothing and keeps nothing when another model was loaded meanwhile', async () => {
    let calls = 0;
    // Fresh at the start, replaced once the WebGPU copy has loaded.
    const { applied, probe, storage } = await measure(2, 5, { stale: () => ++calls > 1 });
    expect(applied).toEqual([]);
    expect(probe.terminated).toBe(true);
    expect(storage).toEqual({});
  });
});
