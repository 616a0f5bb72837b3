/**
 * A pool of bench worker processes (ts-node scripts): each message goes to an idle
 * worker, which answers `{ id, run }` or `{ id, error }`. Used by the horizon mode and the
 * leaderboard; wasm trains on one thread, so one worker a core. A worker that dies (a run
 * out of memory) fails its run and is replaced, up to `MAX_RESPAWNS` times. Ended by `close`.
 */
import { fork, type ChildProcess } from 'node:child_process';

const MAX_RESPAWNS = 20;

export class WorkerPool<Message extends object, Result> {
  private readonly workers = new Set<ChildProcess>();
  private readonly idle: ChildProcess[] = [];
  private readonly queue: { message: Message; resolve: (run: Result) => void; reject: (e: Error) => void }[] = [];
  private readonly pending = new Map<number, { worker: ChildProcess; resolve: (run: Result) => void; reject: (e: Error) => void }>();
  private respawns = 0;
  private closed = false;
  private next = 0;

  constructor(private readonly script: string, size: number) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  private spawn(): void {
    const w = fork(this.script, [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    this.workers.add(w);
    this.idle.push(w);
    // `exiting`: the worker ends itself after this answer (its state may be broken); it is replaced, not reused.
    w.on('message', (m: { id: number; run?: Result; error?: string; exiting?: boolean }) => {
      const p = this.pending.get(m.id)!;
      this.pending.delete(m.id);
      if (!m.exiting) this.idle.push(p.worker);
      if (m.run !== undefined) p.resolve(m.run);
      else p.reject(new Error(m.error));
      this.pump();
    });
    w.on('exit', (code, signal) => {
      this.workers.delete(w);
      const at = this.idle.indexOf(w);
      if (at >= 0) this.idle.splice(at, 1);
      for (const [id, p] of this.pending) {
        if (p.worker === w) {
          this.pending.delete(id);
          p.reject(new Error(`the run's worker process died (${signal ?? `exit ${code}`})`));
        }
      }
      if (this.closed) return;
      if (this.respawns < MAX_RESPAWNS) {
        this.respawns++;
        this.spawn();
        this.pump();
      } else if (this.workers.size === 0) {
        // No worker left to take the queue: fail it rather than wait forever.
        for (const q of this.queue.splice(0)) q.reject(new Error('every bench worker has died'));
      }
    });
  }

  run(message: Message): Promise<Result> {
    return new Promise((resolve, reject) => {
      if (this.workers.size === 0) return reject(new Error('every bench worker has died'));
      this.queue.push({ message, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.idle.length && this.queue.length) {
      const worker = this.idle.shift()!;
      const { message, resolve, reject } = this.queue.shift()!;
      const id = this.next++;
      this.pending.set(id, { worker, resolve, reject });
      worker.send({ id, ...message });
    }
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.kill();
  }
}
