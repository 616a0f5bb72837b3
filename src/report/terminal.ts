import type { AutobatchDocument, Trial } from '../document';
import { formatBytes, formatSeconds } from '../units';
import { formatTable } from './table';

const STATUS_WORDS: Record<Trial['status'], string> = {
  ok: 'ok',
  'over-budget': 'over budget',
  oom: 'out of memory',
  crashed: 'crashed',
  error: 'error',
};

/** The human summary printed at the end of `autobatch probe`. */
export function formatSummary(doc: AutobatchDocument): string {
  const out: string[] = [];
  const { hardware: hw, backend, workload, probe, recommendation: rec } = doc;
  if (hw) {
    const gpus = hw.gpus.length ? hw.gpus.map((g) => g.model || g.vendor).join(', ') : 'none';
    out.push(
      `Hardware  ${hw.cpu.model}, ${hw.cpu.cores} cores; ${formatBytes(hw.memory.availableBytes)} free of ` +
        `${formatBytes(hw.memory.totalBytes)}; GPUs: ${gpus}; ${hw.os.distro || hw.os.platform} ${hw.os.arch}; Node ${hw.node}`,
    );
  }
  if (backend) {
    out.push(`Backend   ${backend.name}${backend.fallbackReason ? ` (fell back: ${backend.fallbackReason})` : ''}`);
  }
  if (workload) {
    out.push(
      `Workload  ${workload.name}: ${workload.parameters.toLocaleString('en-US')} parameters, ` +
        `${workload.trainSamples} train / ${workload.valSamples} validation samples, ` +
        `${workload.loss}, ${workload.optimizer.name} lr ${workload.optimizer.learningRate}`,
    );
  }
  const budget = doc.budget.memoryBytes === null ? 'unset' : formatBytes(doc.budget.memoryBytes);
  out.push(`Budget    memory ${budget} (peak tensor bytes), time ${formatSeconds(doc.budget.timeSeconds)}`);

  if (probe) {
    out.push('', 'Capacity probe');
    out.push(
      formatTable(
        ['batch', 'status', 'ms/step', 'samples/s', 'peak memory', 'RSS', 'steps'],
        probe.trials.map((t) => [
          `${t.batchSize}${t.bisect ? '*' : ''}`,
          STATUS_WORDS[t.status],
          t.stepMs === null ? '-' : t.stepMs.toFixed(1),
          t.samplesPerSec === null ? '-' : Math.round(t.samplesPerSec).toLocaleString('en-US'),
          t.peakBytes === null ? '-' : formatBytes(t.peakBytes),
          t.rssBytes === null ? '-' : formatBytes(t.rssBytes),
          String(t.steps),
        ]),
      ),
    );
    if (probe.trials.some((t) => t.bisect)) out.push('* found by bisecting towards the memory limit');
    out.push(
      `Stopped by ${probe.stopReason}; largest feasible batch ${probe.maxFeasibleBatch ?? 'none'}, ` +
        `throughput knee ${probe.throughputKnee ?? 'none'}`,
    );
    const failures = probe.trials.filter((t) => t.error);
    for (const t of failures) out.push(`  batch ${t.batchSize}: ${t.error}`);
  }

  out.push('');
  if (rec) {
    out.push(`Recommendation: batch size ${rec.batchSize}, learning rate ${rec.learningRate}`);
    if (rec.expected.samplesPerSec !== null && rec.expected.peakBytes !== null) {
      out.push(
        `  expect about ${Math.round(rec.expected.samplesPerSec).toLocaleString('en-US')} samples/s ` +
          `and ${formatBytes(rec.expected.peakBytes)} peak tensor memory`,
      );
    }
    for (const reason of rec.reasons) out.push(`  - ${reason}`);
    const alternatives = Object.entries(rec.alternatives);
    if (alternatives.length) {
      out.push('  Alternatives:');
      for (const [kind, alt] of alternatives) out.push(`    ${kind}: batch ${alt.batchSize} (${alt.why})`);
    }
  } else {
    out.push('No recommendation: no batch size trained successfully within the limits.');
  }
  if (!doc.complete) out.push(`Incomplete run: ${doc.incompleteReason ?? 'stopped early'}.`);
  return out.join('\n');
}
