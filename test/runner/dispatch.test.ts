import { dispatchInOrder } from '../../src/runner/dispatch';
import { TrialAbortedError } from '../../src/runner/isolated';

/** A worker that takes `delays[job]` ms (macrotasks) and logs what it did. */
const worker = (name: string, log: string[], delays: Record<number, number>) => async (job: number) => {
  log.push(`${name} starts ${job}`);
  await new Promise((resolve) => setTimeout(resolve, delays[job] ?? 0));
  if (job < 0) throw new TrialAbortedError();
  return job * 10;
};

describe('dispatchInOrder', () => {
  test('results in the jobs\' order, whoever ran each and whenever it ended', async () => {
    const log: string[] = [];
    const ended: number[] = [];
    const results = await dispatchInOrder([0, 1, 2, 3], [worker('a', log, { 0: 30 }), worker('b', log, {})], { onEnd: (i) => ended.push(i) });
    expect(results).toEqual([0, 10, 20, 30]);
    // b takes 1, 2 and 3 while a is still on 0.
    expect(ended).toEqual([1, 2, 3, 0]);
    expect(log.slice(0, 2)).toEqual(['a starts 0', 'b starts 1']);
  });

  test('jobs start strictly in order: a stop leaves the started ones a prefix', async () => {
    const results = await dispatchInOrder([0, 1, 2, 3, 4], [worker('a', [], {}), worker('b', [], {})], { mayStart: (i) => i < 3 });
    expect(results).toEqual([0, 10, 20, undefined, undefined]);
  });

  test('an abort stops the dispatch; the runs that ended keep their results', async () => {
    const results = await dispatchInOrder([0, -1, 2, 3], [worker('a', [], { 0: 20 }), worker('b', [], {})]);
    expect(results).toEqual([0, undefined, undefined, undefined]);
  });

  test('any other failure is thrown, after the runs in flight end', async () => {
    const log: string[] = [];
    const failing = async () => {
      throw new Error('boom');
    };
    await expect(dispatchInOrder([0, 1], [worker('a', log, { 0: 20 }), failing])).rejects.toThrow('boom');
    expect(log).toEqual(['a starts 0']);
  });
});
