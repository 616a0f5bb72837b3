import { gradientMs } from '../../src/noise/at-init';
import { trial } from '../helpers/trials';

describe('gradientMs', () => {
  test('scales the step time of the nearest ok size to the batch', () => {
    // 64 is as far from 32 as from 128 on a log axis: the first of them counts.
    const trials = [trial(16, 100, 1), trial(32, 190, 1), trial(128, 300, 1)];
    const at32 = trials[1];
    expect(gradientMs(trials, 64)).toBeCloseTo((at32.stepMs! * 64) / 32, 9);
    expect(gradientMs(trials, 16)).toBeCloseTo(trials[0].stepMs!, 9);
  });

  test('null without an ok trial', () => {
    expect(gradientMs([trial(8, null, null, 'oom')], 64)).toBeNull();
  });
});
