/**
 * A queue worker in a process of its own, for tests that kill it: `queue-worker.ts URL
 * NAME LOCK_SECONDS [FILE…]`. Its log goes to stderr, line by line.
 */
import { runQueueWorker } from '../../src/runner/queue/worker';
import { parseQueueUrl } from '../../src/runner/queue/url';
import { givenFiles } from '../../src/runner/queue/workload-files';
import { snapshotHardware } from '../../src/platform/hardware';

const [url, name, lock, ...files] = process.argv.slice(2);
const controller = new AbortController();
process.on('SIGTERM', () => controller.abort());
void (async () => {
  await runQueueWorker({
    url: parseQueueUrl(url),
    name,
    hardware: await snapshotHardware(),
    files: givenFiles(files),
    lockSeconds: Number(lock),
    log: (line) => process.stderr.write(`${line}\n`),
    signal: controller.signal,
  });
  process.exit(0);
})();
