import { createProgressBars } from '../../src/cli/progress-bars';
import { parallelProgress, recordedProgress } from '../helpers/progress-events';

/**
 * The progress bars of `autobatch probe` on a terminal, pinned write for write for the
 * events of a recorded run and of a made-up run that takes the other branches
 * (test/helpers/progress-events.ts). The clock is Jest's: every event comes 150 ms after
 * the one before, so the bars' timers and the times left are the same on every machine.
 * Each write is shown as JSON, so the terminal's control characters are visible. A change
 * is made on purpose: then `npx jest -u` and say why.
 */
beforeEach(() => jest.useFakeTimers({ now: Date.parse('2024-01-01T00:00:00Z') }));
afterEach(() => jest.useRealTimers());

test.each([
  ['recorded', recordedProgress],
  ['parallel', parallelProgress],
])('createProgressBars: the %s run', (_name, events) => {
  const writes: string[] = [];
  const stream = { isTTY: true, columns: 120, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  const bars = createProgressBars(stream, 40);
  for (const event of events()) {
    bars.onProgress(event);
    jest.advanceTimersByTime(150);
  }
  bars.stop();
  expect(writes.map((w) => JSON.stringify(w))).toMatchSnapshot();
});
