import { createProgressLog } from '../../src/cli/progress-log';
import { parallelProgress, recordedProgress } from '../helpers/progress-events';

/**
 * The progress lines of `autobatch probe` (without bars), pinned write for write on a
 * terminal and off one, for the events of a recorded run and of a made-up run that takes
 * the other branches (test/helpers/progress-events.ts). Each write is shown as JSON, so
 * the terminal's control characters are visible. A change is made on purpose: then
 * `npx jest -u` and say why.
 */
describe.each([
  ['recorded', recordedProgress],
  ['parallel', parallelProgress],
])('createProgressLog: the %s run', (_name, events) => {
  test.each([
    ['on a terminal', true],
    ['to a file', false],
  ])('%s', (_where, isTTY) => {
    const writes: string[] = [];
    const stream = { isTTY, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
    const log = createProgressLog(stream);
    for (const event of events()) log(event);
    expect(writes.map((w) => JSON.stringify(w))).toMatchSnapshot();
  });
});
