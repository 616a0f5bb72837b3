"""Makes `import torchvision` work beside the bench's torch, where torchvision is installed.

On this kind of machine the local package index has only the CUDA build of the
torchvision that matches the bench's torch (0.28.0+cu130 for torch 2.13.0+cpu). Its C++
ops (nms, roi_align, ...) link against torch's CUDA libraries, which a +cpu torch lacks, so
they do not load; and 0.28 registers fake kernels for two of them (nms, qnms) without
checking that they loaded, so `import torchvision` fails with "operator torchvision::nms
does not exist". That breaks more than the image peers: torchmetrics, which Lightning
imports, imports torchvision whenever it is installed. Where the import fails so, the two
ops' schemas are declared without a kernel and the import is tried again: ImageFolder and
the transforms are pure Python over PIL and use none of the ops (calling
torchvision.ops.nms would still fail).

Every peer imports this first (common.py does), before Lightning; so does the bench's
version probe (bench/leaderboard-peers.ts). Without torchvision installed it imports
nothing, not even torch (the scikit-learn tables' venv has none).
"""
import importlib.util
import sys

_status = None


def ensure():
    """'not installed', 'loaded', or why torchvision's C++ ops are absent (it imports all the same)."""
    global _status
    if _status is not None:
        return _status
    if importlib.util.find_spec("torchvision") is None:
        _status = "not installed"
        return _status
    try:
        import torchvision  # noqa: F401
        _status = "loaded"
        return _status
    except RuntimeError as error:
        if "torchvision::nms" not in str(error):
            raise
    import torch

    for name in [m for m in sys.modules if m == "torchvision" or m.startswith("torchvision.")]:
        del sys.modules[name]
    library = torch.library.Library("torchvision", "FRAGMENT")
    library.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    library.define("qnms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
    ensure.library = library  # the fragment's registrations last as long as it does
    import torchvision  # noqa: F401,F811

    _status = "its C++ ops did not load against this torch (a CUDA build beside a +cpu torch); ImageFolder and the transforms do not use them"
    return _status
