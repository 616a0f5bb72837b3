import * as path from 'node:path';
import type { ReadProgress } from '../table/read';
import type { WorkloadDefinition } from '../workload';
import { defaultCnn } from './default-cnn';
import { DEFAULT_IMAGE_SIZE, type ImagePreparation } from './preparation';
import { readImageFolder } from './read';
import { ImageFolderSource } from './source';

/** What reading a folder needs of a workload spec (see `WorkloadSpec`). */
export interface ImageFolderSpec {
  data?: string;
  model?: string;
  imageSize?: { width: number; height: number };
  imagePreparation?: ImagePreparation;
  validationSplit: number;
  seed: number;
}

/** The stream a folder gives a workload definition. */
export type ImageStream = Pick<WorkloadDefinition, 'openStream' | 'surveyStream' | 'trainSamples'>;

/**
 * The workload of `--data DIR`: the folder read (checked, split: see `readImageFolder`)
 * now, before any backend starts, so a bad folder fails in a moment; its images streamed
 * in every process that trains. Without a model of the user's (`withModel` builds one
 * from the spec, on the stream), the default CNN sized to the images and classes.
 */
export async function imageFolderWorkload(
  spec: ImageFolderSpec,
  inline: { model?: unknown },
  withModel: (stream: ImageStream) => Promise<WorkloadDefinition>,
  onProgress?: (progress: ReadProgress) => void,
): Promise<WorkloadDefinition> {
  const dir = spec.data!;
  const folder = await readImageFolder(dir, {
    ...(spec.imageSize ?? DEFAULT_IMAGE_SIZE),
    validationSplit: spec.validationSplit,
    seed: spec.seed,
    ...(spec.imagePreparation ? { given: spec.imagePreparation } : {}),
    ...(onProgress ? { onProgress } : {}),
  });
  const stream: ImageStream = {
    openStream: async (tf) => new ImageFolderSource(tf, folder),
    surveyStream: async () => ({ imagePreparation: folder.preparation }),
    trainSamples: folder.train.length,
  };
  const definition: WorkloadDefinition =
    spec.model || inline.model ? await withModel(stream) : { name: path.basename(path.resolve(dir)), source: 'data', ...defaultCnn(folder.preparation, spec.seed), ...stream };
  definition.imagePreparation = folder.preparation;
  definition.notes = [...imageNotes(folder.preparation), ...(definition.notes ?? [])];
  return definition;
}

/** What the output says of the folder: what was read, and every file left out, in one line. */
function imageNotes(p: ImagePreparation): string[] {
  const lines = [
    `${p.folder}: ${p.classes.length} classes (${listed(p.classes, 6)}), ${p.files.train} training and ${p.files.validation} validation images, ` +
      `resized to ${p.width}×${p.height}×${p.channels}, decoded a batch at a time`,
  ];
  const { skipped } = p.files;
  if (skipped.length) {
    lines.push(`${skipped.length} file${skipped.length === 1 ? '' : 's'} did not decode and ${skipped.length === 1 ? 'was' : 'were'} left out: ${listed(skipped.map((s) => `${s.file} (${s.reason})`), 3)}`);
  }
  return lines;
}

function listed(items: readonly string[], max: number): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')}, … ${items.length - max} more`;
}
