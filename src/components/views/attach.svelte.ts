/** Wires a framework-free renderer (render(container, data, options) → {update, destroy}) into a Svelte
 * attachment: created once, updated when `data` changes, destroyed with the element. */
export interface Renderer<D, O> {
  update: (data: D, options?: O) => void;
  destroy: () => void;
}

/** Drawings wait their turn, one renderer per task: a view with several renderers (attention has three) never
 * holds the main thread for their sum, so the animation and the Stop button stay responsive. */
const queue: (() => void)[] = [];
function enqueue(job: () => void): void {
  queue.push(job);
  if (queue.length === 1) setTimeout(drain, 0);
}
function drain(): void {
  try {
    queue.shift()?.();
  } finally {
    // A renderer that throws must not stop the others (nor leave drawn() waiting).
    if (queue.length > 0) setTimeout(drain, 0);
    else for (const resolve of idleWaiters.splice(0)) resolve();
  }
}

const idleWaiters: (() => void)[] = [];
/** Resolves once every drawing asked for so far is on screen (for tests and the benchmark). */
export function drawn(): Promise<void> {
  return queue.length === 0 ? Promise.resolve() : new Promise((resolve) => idleWaiters.push(resolve));
}

export function rendererAttachment<D, O>(
  render: (container: HTMLElement, data: D, options?: O) => Renderer<D, O>,
  data: () => D | null,
  options: () => O,
) {
  return (node: HTMLElement) => {
    let chart: Renderer<D, O> | null = null;
    let pending: { value: D; opts: O } | null = null;
    let destroyed = false;
    $effect(() => {
      const value = data();
      const opts = options();
      if (!value) return;
      // The latest data wins: a drawing still waiting is replaced, not repeated.
      if (!pending) {
        enqueue(() => {
          const next = pending;
          pending = null;
          if (destroyed || !next) return;
          if (chart) chart.update(next.value, next.opts);
          else chart = render(node, next.value, next.opts);
        });
      }
      pending = { value, opts };
    });
    return () => {
      destroyed = true;
      chart?.destroy();
    };
  };
}
