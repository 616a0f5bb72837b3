import { descendants } from '../../helpers/processes';
import { isAlive, queueFixture, tinyRun, until } from '../../helpers/queue-fixture';
import { redisServer } from '../../helpers/redis';
import { describeNeeding } from '../../helpers/requirements';

describeNeeding(redisServer())('workers that die or stop mid-run (a real Redis)', () => {
  const fx = queueFixture();

  test('a worker killed mid-run: the run trains again on another worker, once, counted as a retry; the killed worker leaves no process', async () => {
    const killed = fx.spawnWorker('worker-killed');
    const queue = await fx.openQueue(60);
    let other: ReturnType<typeof fx.startWorker> | undefined;
    try {
      expect(await queue.waitForWorkers()).toBe(1);
      const pending = queue.workers(1)[0].run(tinyRun(8, 0.02, 400));
      await until(() => killed.log.some((l) => /training run/.test(l)));
      const children = descendants(killed.proc.pid!);
      expect(children.length).toBeGreaterThan(0);
      const exited = new Promise((resolve) => killed.proc.once('exit', resolve));
      killed.proc.kill('SIGKILL');
      await exited;
      other = fx.startWorker('worker-other');
      const outcome = await pending;
      expect(outcome.run).toBeDefined();
      expect(outcome.run!.steps).toBe(400);
      expect(outcome).toMatchObject({ worker: 'worker-other', retries: 1 });
      expect(queue.info().retries).toBe(1);
      expect(other.log.filter((l) => /training run .*again: its worker died/.test(l))).toHaveLength(1);
      // The killed worker's trial process followed it (its IPC channel closed).
      await until(() => children.every((pid) => !isAlive(pid)), 10_000);
    } finally {
      await queue.close();
      await other?.stop();
    }
  }, 90_000);

  test('its only worker stopped mid-run: the tuner says, every wait, that runs wait and no worker takes them; a new worker trains the run', async () => {
    const messages: string[] = [];
    const first = fx.startWorker('worker-first');
    const queue = await fx.openQueue(3, messages);
    let second: ReturnType<typeof fx.startWorker> | undefined;
    try {
      // The wait is short (it paces the tuner's messages): the worker first starts its trial process.
      await until(() => first.log.some((l) => /taking runs/.test(l)));
      expect(await queue.waitForWorkers()).toBe(1);
      const pending = queue.workers(1)[0].run(tinyRun(16, 0.02, 300));
      await until(() => first.log.some((l) => /training run/.test(l)));
      await first.stop();
      await until(() => messages.some((m) => /no worker has taken runs from redis:\/\/127\.0\.0\.1:\d+ for \d+ s; 1 run wait in the queue/.test(m)));
      second = fx.startWorker('worker-second');
      const outcome = await pending;
      expect(outcome).toMatchObject({ worker: 'worker-second', retries: 1 });
      expect(outcome.run!.steps).toBe(300);
    } finally {
      await queue.close();
      await second?.stop();
    }
  }, 60_000);
});
