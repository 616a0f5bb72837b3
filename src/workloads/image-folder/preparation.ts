/**
 * What was done to a folder of images before training, as the document records it
 * (`imagePreparation`): the classes, the size, the channels, the scaling and the split,
 * read the way Keras's `image_dataset_from_directory` reads a folder, so the same
 * settings give the same data in TensorFlow.js (`imageFolderDataset`) and in Keras.
 */
import { Type, type Static } from '@sinclair/typebox';

/** Extensions read as images (case-insensitive), as Keras's `image_dataset_from_directory` reads them, plus WebP. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp'] as const;

/** The size images are resized to when none is given (`--image-size`). */
export const DEFAULT_IMAGE_SIZE = { width: 64, height: 64 } as const;

export const ImagePreparationSchema = Type.Object(
  {
    folder: Type.String({ description: 'The folder as given: one sub-folder per class' }),
    classes: Type.Array(Type.String(), { description: 'The sub-folders\' names, sorted: a label is its class\'s index here' }),
    width: Type.Number({ description: 'Every image is resized to width × height pixels, stretched (no crop), bilinear' }),
    height: Type.Number(),
    channels: Type.Union([Type.Literal(1), Type.Literal(3)], { description: '1 when every image is greyscale (Keras color_mode "grayscale"), else 3 ("rgb"); alpha is dropped' }),
    scaling: Type.Literal('divide-255', { description: 'Pixels are divided by 255: values in [0, 1]' }),
    labels: Type.Literal('int', { description: 'One class index a sample, shape [1] (sparse categorical cross-entropy; Keras label_mode "int")' }),
    validationSplit: Type.Number({ description: 'Share of the files held out for validation, by a seeded shuffle of the sorted file list' }),
    seed: Type.Number(),
    files: Type.Object({
      train: Type.Number({ description: 'Training images' }),
      validation: Type.Number({ description: 'Validation images' }),
      skipped: Type.Array(
        Type.Object({ file: Type.String({ description: 'Relative to the folder' }), reason: Type.String() }),
        { description: 'Files that did not decode: left out of both parts' },
      ),
    }),
    listingSha256: Type.String({ description: 'sha256 of the sorted image files\' relative paths and sizes: the same folder gives the same hash' }),
  },
  { description: 'How a folder of images became tensors (--data DIR): repeat it with imageFolderDataset(dir, imagePreparation, { batchSize })' },
);

export type ImagePreparation = Static<typeof ImagePreparationSchema>;

/**
 * Parses `--image-size`: `64x64` (width × height), or one number for a square.
 * @throws RangeError naming the value when it is not one of these, or a side is below 1 or above 4096.
 */
export function parseImageSize(value: string | number | readonly [number, number]): { width: number; height: number } {
  const sides = typeof value === 'number' ? [value, value] : Array.isArray(value) ? [...value] : parseSides(String(value));
  if (sides.length !== 2 || !sides.every((s) => Number.isInteger(s) && s >= 1 && s <= 4096)) {
    throw new RangeError(`image size ${JSON.stringify(value)} is not WIDTHxHEIGHT (whole numbers from 1 to 4096, e.g. 64x64)`);
  }
  return { width: sides[0], height: sides[1] };
}

function parseSides(text: string): number[] {
  const parts = text.trim().toLowerCase().split(/\s*[x×,]\s*/);
  if (parts.some((p) => !/^\d+$/.test(p))) return [];
  return parts.length === 1 ? [Number(parts[0]), Number(parts[0])] : parts.map(Number);
}
