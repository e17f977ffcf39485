/** Wires a framework-free renderer (render(container, data, options) → {update, destroy}) into a Svelte
 * attachment: created once, updated when `data` changes, destroyed with the element. */
export interface Renderer<D, O> {
  update: (data: D, options?: O) => void;
  destroy: () => void;
}

export function rendererAttachment<D, O>(render: (container: HTMLElement, data: D, options?: O) => Renderer<D, O>, data: () => D | null, options: () => O) {
  return (node: HTMLElement) => {
    let chart: Renderer<D, O> | null = null;
    $effect(() => {
      const value = data();
      const opts = options();
      if (!value) return;
      if (chart) chart.update(value, opts);
      else chart = render(node, value, opts);
    });
    return () => chart?.destroy();
  };
}
