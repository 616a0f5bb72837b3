import IORedis from 'ioredis';
import { TrialAbortedError } from '../../../src/runner/isolated';
import { KEYS, type TuningRecord } from '../../../src/runner/queue/protocol';
import { queueFixture, tinyRun, until } from '../../helpers/queue-fixture';
import { redisServer } from '../../helpers/redis';
import { describeNeeding } from '../../helpers/requirements';

describeNeeding(redisServer())('a tuning on a real Redis: Redis lost, workers refusing, the record published', () => {
  const fx = queueFixture();

  test('Redis restarted empty mid-run: the tuner says so, waits, adds the run again and goes on; Redis gone for good: the run stops, said in one line', async () => {
    const messages: string[] = [];
    const worker = fx.startWorker('worker-restart');
    const queue = await fx.openQueue(8, messages);
    try {
      // The wait is short (it is how long Redis may be gone): the worker first starts its trial process.
      await until(() => worker.log.some((l) => /taking runs/.test(l)));
      expect(await queue.waitForWorkers()).toBe(1);
      const pending = queue.workers(1)[0].run(tinyRun(4, 0.01, 300));
      await until(() => worker.log.some((l) => /training run/.test(l)));
      await fx.redis.stop();
      await until(() => messages.some((m) => /does not answer/.test(m)));
      await fx.redis.start();
      const outcome = await pending;
      expect(outcome.run!.steps).toBe(300);
      expect(messages.some((m) => /answers again/.test(m))).toBe(true);
      expect(queue.lost.aborted).toBe(false);

      // Now for good: past the wait, the run rejects as an interrupt would, and the queue says why, once.
      const stranded = queue.workers(1)[0].run(tinyRun(4, 0.02, 300));
      await until(() => worker.log.filter((l) => /training run/.test(l)).length >= 2);
      await fx.redis.stop();
      await expect(stranded).rejects.toBeInstanceOf(TrialAbortedError);
      expect(queue.lost.aborted).toBe(true);
      expect(messages.filter((m) => /did not answer for 8 s: the search stops here/.test(m))).toHaveLength(1);
    } catch (err) {
      throw new Error(`${(err as Error).message}\ntuner: ${messages.join(' | ')}\nworker: ${worker.log.join(' | ')}`);
    } finally {
      await fx.redis.start();
      await queue.close();
      await worker.stop();
    }
  }, 90_000);

  test('a worker refuses a tuning measured on other hardware, or naming a file it was not given, and says so to the tuner', async () => {
    const elsewhere = fx.startWorker('worker-elsewhere', { hardware: { ...fx.hardware, cpu: { ...fx.hardware.cpu, model: 'Another CPU' } } });
    const unknown = fx.startWorker('worker-no-file', { files: [] });
    const messages: string[] = [];
    const queue = await fx.openQueue(3, messages);
    try {
      expect(await queue.waitForWorkers()).toBe(0);
    } finally {
      await queue.close();
      await Promise.all([elsewhere.stop(), unknown.stop()]);
    }
    expect(messages[0]).toMatch(/no worker takes runs from redis:\/\/127\.0\.0\.1:\d+ yet.*waiting up to 3 s/);
    expect(elsewhere.log.join('\n')).toMatch(/refused tuning .*other hardware \(.*this worker: Another CPU/);
    expect(unknown.log.join('\n')).toMatch(/refused tuning .*tiny\.cjs.*given no file with that content/);
    expect(messages.filter((m) => /a worker refused this tuning: worker-elsewhere: .*other hardware/.test(m))).toHaveLength(1);
    expect(messages.filter((m) => /a worker refused this tuning: worker-no-file: /.test(m))).toHaveLength(1);
    expect(elsewhere.log.join('\n')).not.toMatch(/training run/);
  }, 60_000);

  test('the tuning is published for workers by content, no local path, and taken off the list when the tuner closes', async () => {
    const client = new IORedis(fx.redis.url);
    const queue = await fx.openQueue(1);
    try {
      expect(await client.sismember(KEYS.tunings, queue.name)).toBe(1);
      const record = JSON.parse((await client.get(KEYS.tuning(queue.name)))!) as TuningRecord;
      expect(record.workload.model).toEqual({ name: 'tiny.cjs', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(record)).not.toContain(fx.files.dir());
    } finally {
      await queue.close();
    }
    expect(await client.sismember(KEYS.tunings, queue.name)).toBe(0);
    client.disconnect();
  });
});
