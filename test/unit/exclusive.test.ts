// The worker's busy guard and cancels by request id (src/engine/exclusive.ts).
import { describe, expect, it } from 'vitest';
import { ExclusiveRequests } from '../../src/engine/exclusive';

/** A request that runs until `finish` is called, and reports whether it was asked to stop. */
function pending(requests: ExclusiveRequests, id: number) {
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => (finish = resolve));
  let check: () => boolean = () => false;
  const result = requests.run(id, async (isCancelled) => {
    check = isCancelled;
    await done;
    return isCancelled();
  });
  return { result, finish: () => finish(), cancelled: () => check() };
}

describe('exclusive requests', () => {
  it('a cancel stops only the request it names; one that arrives after its request ended stops nothing', async () => {
    const requests = new ExclusiveRequests();
    const first = pending(requests, 1);
    requests.cancel(7); // no such request
    expect(first.cancelled()).toBe(false);
    requests.cancel(1);
    expect(first.cancelled()).toBe(true);
    first.finish();
    await expect(first.result).resolves.toBe(true);

    // A cancel for a request not running now (over, or not begun) leaves no mark: request 3, cancelled before it
    // begins, runs to its end.
    requests.cancel(1);
    requests.cancel(3);
    const third = pending(requests, 3);
    expect(third.cancelled()).toBe(false);
    third.finish();
    await expect(third.result).resolves.toBe(false);
  });

  it('refuses a second request while one runs, and takes one again after', async () => {
    const requests = new ExclusiveRequests();
    const first = pending(requests, 1);
    expect(requests.busy).toBe(true);
    await expect(requests.run(2, async () => 'second')).rejects.toMatchObject({ code: 'busy' });
    first.finish();
    await first.result;
    expect(requests.busy).toBe(false);
    await expect(requests.run(3, async () => 'third')).resolves.toBe('third');
  });
});
