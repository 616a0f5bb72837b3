"""A folder of images for the leaderboard's peers, read with torchvision's ImageFolder as
a torch user reads one: the dev folder bench/torch-export.ts names (one sub-folder a
class), the transform matching autobatch's image preparation, and the tuner's own split
of its files into training and validation images.

autobatch's preparation (src/workloads/image-folder/decode.ts): resize to width x height,
stretched, bilinear; greyscale when every image is (1 channel), else RGB, alpha dropped;
pixels divided by 255; row-major height, width, channel. Here: PIL's loader (ImageFolder's
default), Grayscale(1) or RGB, Resize((height, width), bilinear), ToTensor() (divides by
255, channels first), then channels last, as the tf.js network copied to torch
(common.Net) takes its input. At the folder's own size the resize changes nothing in
either; at another size PIL and libvips interpolate slightly differently, which the
peers' translation check (the loss and outputs at the initial weights on the validation
images, against tf.js's on autobatch's decode) would catch.

torchvision is imported through torchvision_import.py (see there: the local index's
torchvision is a CUDA build whose C++ ops do not load beside a +cpu torch).
"""
import os

import torchvision_import

ops = torchvision_import.ensure()
if ops == "not installed":
    raise ImportError("a folder of images needs torchvision (and pillow) in the bench's venv")

from torch.utils.data import Subset  # noqa: E402
from torchvision import datasets, transforms  # noqa: E402


def channels_last(t):
    """ToTensor's (channel, height, width) as tf.js's (height, width, channel)."""
    return t.permute(1, 2, 0).contiguous()


def transform_for(images):
    """The transform matching autobatch's preparation of the folder (see the module's doc)."""
    if images.get("scaling", "divide-255") != "divide-255":
        raise ValueError(f"image scaling {images['scaling']} is not translated")
    colour = [transforms.Grayscale(num_output_channels=1)] if images["channels"] == 1 else [transforms.Lambda(lambda im: im.convert("RGB"))]
    return transforms.Compose([
        *colour,
        transforms.Resize((images["height"], images["width"]), interpolation=transforms.InterpolationMode.BILINEAR, antialias=True),
        transforms.ToTensor(),
        transforms.Lambda(channels_last),
    ])


def image_sets(images):
    """The training and validation images as ImageFolder subsets, in the tuner's order.
    Refuses a folder whose classes or files are not the ones autobatch read."""
    folder = datasets.ImageFolder(images["root"], transform=transform_for(images))
    if folder.classes != images["classes"]:
        raise ValueError(f"ImageFolder found classes {folder.classes}, autobatch {images['classes']}")
    index = {os.path.relpath(p, images["root"]).replace(os.sep, "/"): i for i, (p, _) in enumerate(folder.samples)}
    missing = [f for f in images["train"] + images["validation"] if f not in index]
    if missing:
        raise ValueError(f"ImageFolder does not list {len(missing)} of autobatch's files, e.g. {missing[0]}")
    return Subset(folder, [index[f] for f in images["train"]]), Subset(folder, [index[f] for f in images["validation"]])
