"""PyTorch Lightning's pick for a leaderboard workload, run for real:
Tuner(trainer).scale_batch_size(model, mode="power"), then
Tuner(trainer).lr_find(model).suggestion(), on a Trainer set up for the user's horizon
(max_epochs = E) on this machine's CPU. Prints one JSON line:
{"batchSize", "learningRate", "seconds", "scaledBatchSize", "notes"}.

    python lightning_pick.py --dir DIR --epochs E [--threads 1]
"""
import argparse
import logging
import os
import tempfile
import warnings

import common

parser = argparse.ArgumentParser()
parser.add_argument("--dir", required=True)
parser.add_argument("--epochs", type=float, required=True)
parser.add_argument("--threads", type=int, default=1)
args = parser.parse_args()

watch = common.Stopwatch()
common.set_threads(args.threads)

import torch  # noqa: E402
import lightning.pytorch as pl  # noqa: E402
from lightning.pytorch.tuner import Tuner  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

warnings.filterwarnings("ignore")
logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
logging.getLogger("lightning.fabric").setLevel(logging.ERROR)

spec, data, weights = common.load(args.dir)
translation = common.check_translation(spec, data, weights)
default_lr = spec["optimizer"]["learningRate"]


class Module(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.net = common.Net(spec, weights)
        # The attributes Lightning's tuner reads and writes.
        self.batch_size = 2
        self.lr = default_lr

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, _index):
        x, y = batch
        return common.per_sample_loss(spec["loss"], self.net(x), y).mean()

    def configure_optimizers(self):
        return common.make_optimizer(spec, self.parameters(), self.lr)

    def train_dataloader(self):
        # A folder of images: torchvision's ImageFolder, decoded as each batch is drawn.
        return DataLoader(common.train_dataset(data), batch_size=self.batch_size, shuffle=True)


torch.manual_seed(42)
model = Module()
notes = []
with tempfile.TemporaryDirectory() as root:
    trainer = pl.Trainer(
        max_epochs=max(1, round(args.epochs)),
        accelerator="cpu",
        devices=1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        default_root_dir=root,
    )
    tuner = Tuner(trainer)
    scaled = tuner.scale_batch_size(model, mode="power")
    rows = common.train_rows(data)
    batch = int(scaled if scaled is not None else model.batch_size)
    if batch > rows:
        notes.append(f"scale_batch_size grew the batch to {batch}, past the {rows} training rows: trained as one batch of all rows")
    model.batch_size = min(batch, rows)
    finder = tuner.lr_find(model)
    suggestion = finder.suggestion() if finder is not None else None
    if suggestion is None:
        notes.append("lr_find gave no suggestion: the optimizer's default rate is used")
    lr = float(suggestion) if suggestion is not None else default_lr

common.emit({
    "batchSize": model.batch_size,
    "scaledBatchSize": batch,
    "learningRate": lr,
    "suggested": suggestion is not None,
    "seconds": watch.seconds(),
    "threads": args.threads,
    "translation": translation,
    "data": "ImageFolder" if "train_set" in data else "tensors",
    **({"torchvisionOps": data["imageOps"]} if "imageOps" in data else {}),
    "notes": notes,
})
