"""Shared by the leaderboard's Python peers: the workload bench/torch-export.ts wrote
(prepared data, layers, initial weights) as a torch model, its loss and optimizer, and a
plain training loop for Optuna's trials.

The data is tensors (the export's float32 files) or, for a folder of images, its training
and validation images read by torchvision's ImageFolder (vision.py); the training loop,
the validation loss and the translation check read either through `train_batch`,
`val_batches` and `train_dataset`.

The network is the tf.js one: every layer's weights are copied (kernels transposed to
torch's layout), tf.js's activations, tf.js's losses on its outputs (probabilities clipped
at 1e-7 as Keras does) and tf.js's optimizer settings (Adam's epsilon 1e-7, RMSprop's
decay 0.9, Adagrad's initial accumulator 0.1). Images stay channels-last between layers
as in tf.js; a convolution block works channels-first inside and Flatten flattens in
tf.js's (height, width, channel) order, so Dense weights after it line up.
"""
import json
import math
import os
import sys
import time

import torchvision_import

# Before anything imports Lightning (whose torchmetrics imports torchvision where it is installed).
torchvision_import.ensure()

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset, default_collate  # noqa: E402

EPSILON = 1e-7


def set_threads(n):
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:
        pass  # already set in this process


def log(message):
    print(f"peers: {message}", file=sys.stderr, flush=True)


def load(folder):
    """The spec, the data (four tensors, or a folder's ImageFolder subsets) and the flat weights."""
    with open(os.path.join(folder, "spec.json")) as f:
        spec = json.load(f)

    def read(name, shape):
        return torch.from_numpy(np.fromfile(os.path.join(folder, name), dtype="<f4").reshape(shape).copy())

    s = spec["shapes"]
    if spec.get("images"):
        import vision  # torchvision only where a folder of images needs it

        train_set, val_set = vision.image_sets(spec["images"])
        data = {"train_set": train_set, "val_set": val_set, "imageOps": vision.ops}
    else:
        data = {
            "x_train": read("x_train.f32", s["xTrain"]),
            "y_train": read("y_train.f32", s["yTrain"]),
            "x_val": read("x_val.f32", s["xVal"]),
            "y_val": read("y_val.f32", s["yVal"]),
        }
    weights = torch.from_numpy(np.fromfile(os.path.join(folder, "weights.f32"), dtype="<f4").copy())
    return spec, data, weights


def train_rows(data):
    return len(data["train_set"]) if "train_set" in data else data["x_train"].shape[0]


def train_dataset(data):
    """The training samples as a torch Dataset, for a DataLoader: the ImageFolder subset, or the tensors."""
    return data["train_set"] if "train_set" in data else TensorDataset(data["x_train"], data["y_train"])


def train_batch(data, idx):
    """The training samples at `idx` (a tensor of indices) as (x, y)."""
    if "train_set" in data:
        return default_collate([data["train_set"][i] for i in idx.tolist()])
    return data["x_train"][idx], data["y_train"][idx]


def val_batches(data, chunk):
    """The validation samples in order, in chunks of at most `chunk`, as (x, y)."""
    if "val_set" in data:
        yield from DataLoader(data["val_set"], batch_size=chunk, shuffle=False)
        return
    for begin in range(0, data["x_val"].shape[0], chunk):
        yield data["x_val"][begin: begin + chunk], data["y_val"][begin: begin + chunk]


def activation(name):
    table = {
        "linear": lambda x: x,
        "relu": torch.relu,
        "relu6": lambda x: torch.clamp(x, 0, 6),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "softmax": lambda x: torch.softmax(x, dim=-1),
        "elu": nn.functional.elu,
        "selu": nn.functional.selu,
        "softplus": nn.functional.softplus,
        "softsign": nn.functional.softsign,
        "hardSigmoid": lambda x: torch.clamp(0.2 * x + 0.5, 0, 1),
        "swish": nn.functional.silu,
    }
    if name not in table:
        raise ValueError(f"activation {name} is not translated")
    return table[name]


class Net(nn.Module):
    """The tf.js Sequential model, layer by layer, from its initial weights."""

    def __init__(self, spec, weights):
        super().__init__()
        self.ops = []
        self.mods = nn.ModuleList()
        self.has_dropout = False

        def w(layer, name):
            entry = next(e for e in layer["weights"] if e["name"] == name)
            return weights[entry["offset"]: entry["offset"] + entry["length"]].reshape(entry["shape"]).clone()

        def has(layer, name):
            return any(e["name"] == name for e in layer["weights"])

        for layer in spec["layers"]:
            kind, c = layer["type"], layer["config"]
            if kind == "Dense":
                kernel = w(layer, "kernel")
                m = nn.Linear(kernel.shape[0], kernel.shape[1], bias=has(layer, "bias"))
                with torch.no_grad():
                    m.weight.copy_(kernel.t())
                    if m.bias is not None:
                        m.bias.copy_(w(layer, "bias"))
                self._add("module", m, activation(c.get("activation", "linear")))
            elif kind == "Dropout":
                self.has_dropout = True
                self._add("module", nn.Dropout(c["rate"]))
            elif kind == "Activation":
                self._add("fn", activation(c["activation"]))
            elif kind == "Flatten":
                self._add("flatten")
            elif kind == "Conv2D":
                kernel = w(layer, "kernel")  # [kh, kw, in, out]
                strides = c.get("strides", [1, 1])
                # 'same' only at stride 1 (the export refuses others), as torch's padding="same" is.
                padding = "same" if c.get("padding") == "same" else 0
                m = nn.Conv2d(kernel.shape[2], kernel.shape[3], (kernel.shape[0], kernel.shape[1]), stride=tuple(strides), padding=padding, bias=has(layer, "bias"))
                with torch.no_grad():
                    m.weight.copy_(kernel.permute(3, 2, 0, 1))
                    if m.bias is not None:
                        m.bias.copy_(w(layer, "bias"))
                self._add("conv", m, activation(c.get("activation", "linear")))
            elif kind == "MaxPooling2D":
                pool = c.get("poolSize", [2, 2])
                strides = c.get("strides") or pool
                self._add("conv", nn.MaxPool2d(tuple(pool), stride=tuple(strides)))
            elif kind == "Embedding":
                table = w(layer, "embeddings")
                m = nn.Embedding(table.shape[0], table.shape[1])
                with torch.no_grad():
                    m.weight.copy_(table)
                self._add("embedding", m)
            elif kind == "LSTM":
                kernel, recurrent, bias = w(layer, "kernel"), w(layer, "recurrent_kernel"), w(layer, "bias")
                units = recurrent.shape[0]
                m = nn.LSTM(kernel.shape[0], units, batch_first=True)
                # Keras and torch both order the gates input, forget, cell, output.
                with torch.no_grad():
                    m.weight_ih_l0.copy_(kernel.t())
                    m.weight_hh_l0.copy_(recurrent.t())
                    m.bias_ih_l0.copy_(bias)
                    m.bias_hh_l0.zero_()
                self._add("lstm", m, bool(c.get("returnSequences", False)))
            else:
                raise ValueError(f"layer {kind} is not translated")
        self.last_activation = next((layer["config"].get("activation") for layer in reversed(spec["layers"]) if layer["type"] in ("Dense", "Activation")), None)

    def _add(self, kind, module=None, extra=None):
        if isinstance(module, nn.Module):
            self.mods.append(module)
        self.ops.append((kind, module, extra))

    def forward(self, x):
        channels_first = False
        for kind, module, extra in self.ops:
            if kind == "conv":
                if not channels_first:
                    x = x.permute(0, 3, 1, 2)
                    channels_first = True
                x = module(x)
                if extra is not None:
                    x = extra(x)
                continue
            if channels_first:
                x = x.permute(0, 2, 3, 1)
                channels_first = False
            if kind == "module":
                x = module(x)
                if extra is not None:
                    x = extra(x)
            elif kind == "fn":
                x = module(x)
            elif kind == "flatten":
                x = x.reshape(x.shape[0], -1)
            elif kind == "embedding":
                x = module(x.long())
            elif kind == "lstm":
                out, (h, _) = module(x)
                x = out if extra else h[-1]
        if channels_first:
            x = x.permute(0, 2, 3, 1)
        return x


def per_sample_loss(name, y_pred, y_true):
    """tf.js's losses, one value a sample (mean over the last axis where it averages)."""
    if name == "categoricalCrossentropy":
        p = torch.clamp(y_pred, EPSILON, 1 - EPSILON)
        return -(y_true * torch.log(p)).sum(-1)
    if name == "sparseCategoricalCrossentropy":
        p = torch.clamp(y_pred, EPSILON, 1 - EPSILON)
        return -torch.log(p.gather(-1, y_true.long().reshape(-1, 1))).squeeze(-1)
    if name == "binaryCrossentropy":
        p = torch.clamp(y_pred, EPSILON, 1 - EPSILON)
        return -(y_true * torch.log(p) + (1 - y_true) * torch.log(1 - p)).reshape(y_pred.shape[0], -1).mean(-1)
    if name == "meanSquaredError":
        return ((y_pred - y_true) ** 2).reshape(y_pred.shape[0], -1).mean(-1)
    if name == "meanAbsoluteError":
        return (y_pred - y_true).abs().reshape(y_pred.shape[0], -1).mean(-1)
    raise ValueError(f"loss {name} is not translated")


def make_optimizer(spec, params, lr):
    """tf.js's optimizer as the user compiled it: its settings (`getConfig()` names, in the
    export's optimizer.settings) where given, else tf.js's defaults."""
    name = spec["optimizer"]["name"]
    s = spec["optimizer"].get("settings") or {}
    eps = s.get("epsilon", EPSILON)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, betas=(s.get("beta1", 0.9), s.get("beta2", 0.999)), eps=eps)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr)
    if name == "momentum":
        return torch.optim.SGD(params, lr=lr, momentum=s.get("momentum", 0.9), nesterov=bool(s.get("useNesterov", False)))
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, alpha=s.get("decay", 0.9), eps=eps, momentum=s.get("momentum", 0.0), centered=bool(s.get("centered", False)))
    if name == "adagrad":
        return torch.optim.Adagrad(params, lr=lr, initial_accumulator_value=s.get("initialAccumulatorValue", 0.1))
    if name == "adamax":
        return torch.optim.Adamax(params, lr=lr, betas=(s.get("beta1", 0.9), s.get("beta2", 0.999)), eps=eps)
    if name == "adadelta":
        return torch.optim.Adadelta(params, lr=lr, rho=s.get("rho", 0.95), eps=eps)
    raise ValueError(f"optimizer {name} is not translated")


@torch.no_grad()
def validation_loss(spec, model, data, chunk=2048):
    was_training = model.training
    model.eval()
    total, n = 0.0, 0
    for x, y in val_batches(data, chunk):
        total += float(per_sample_loss(spec["loss"], model(x), y).sum())
        n += x.shape[0]
    model.train(was_training)
    return total / n


def train_constant(spec, data, weights, batch, lr, epochs, seed, report=None, reports=4):
    """A constant-rate run of `epochs` epochs from the initial weights, batches reshuffled
    each epoch (the last one partial, as a DataLoader gives them); `report(step, loss)` is
    called at least `reports` times along the way and at the end (the validation loss).
    Returns the final validation loss, inf when the run diverged."""
    torch.manual_seed(seed)
    model = Net(spec, weights)
    model.train()
    opt = make_optimizer(spec, model.parameters(), lr)
    n = train_rows(data)
    per_epoch = math.ceil(n / batch)
    total = max(1, round(epochs * per_epoch))
    every = max(1, min(per_epoch, math.ceil(total / reports)))
    generator = torch.Generator().manual_seed(seed)
    step, order, at = 0, None, n
    loss_value = math.inf
    while step < total:
        if at >= n:
            order, at = torch.randperm(n, generator=generator), 0
        idx = order[at: at + batch]
        at += batch
        opt.zero_grad(set_to_none=True)
        x, y = train_batch(data, idx)
        loss = per_sample_loss(spec["loss"], model(x), y).mean()
        if not torch.isfinite(loss):
            return math.inf
        loss.backward()
        opt.step()
        step += 1
        if step % every == 0 or step == total:
            loss_value = validation_loss(spec, model, data)
            if not math.isfinite(loss_value):
                return math.inf
            if report is not None:
                report(step // every, loss_value)
    return loss_value


def check_translation(spec, data, weights, tolerance=1e-3):
    """The torch model's validation loss at the initial weights against tf.js's: a
    translation that differs is refused (exit 3) rather than measured."""
    check = spec["check"]
    expected = check["initialValLoss"]
    net = Net(spec, weights)
    got = validation_loss(spec, net, data)
    relative = abs(got - expected) / max(abs(expected), 1e-12)
    # The outputs too, against how much they vary: a near-constant output has a loss that
    # would hide a wrong layer.
    net.eval()
    with torch.no_grad():
        ours = net(next(val_batches(data, check["rows"]))[0]).reshape(-1)
    theirs = torch.tensor(check["predictions"], dtype=ours.dtype)
    scale = float(theirs.std()) if theirs.numel() > 1 else 1.0
    outputs = float((ours - theirs).abs().max()) / max(scale, 1e-12)
    if not (relative <= tolerance and outputs <= tolerance):
        log(f"translation check failed: torch loss {got:.6g} against tf.js {expected:.6g} at the initial weights, outputs off by {outputs:.3g} of their spread")
        emit({"error": "translation check failed", "torchLoss": got, "tfjsLoss": expected, "outputs": outputs})
        sys.exit(3)
    return {"tfjsLoss": expected, "torchLoss": got, "relative": relative, "outputs": outputs}


def batch_choices(train_rows):
    """Powers of two from 8 to min(1024, the training rows)."""
    top = min(1024, train_rows)
    out, b = [], 8
    while b <= top:
        out.append(b)
        b *= 2
    return out or [train_rows]


def emit(result):
    """The one line of JSON the bench reads from stdout."""
    print(json.dumps(result), flush=True)


class Stopwatch:
    def __init__(self):
        self.start = time.monotonic()

    def seconds(self):
        return time.monotonic() - self.start
