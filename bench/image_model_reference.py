#!/usr/bin/env python3
"""torchvision's vit_b_16 or swin_t as the reference for bench/image_model_bench.cpp (seeded
random weights).

Writes DIR/MODEL.pth (torch.save of the state dict, torchvision names, classifier included:
the native loaders drop it), a batch of normalised random images and torchvision's features on
them (head removed), and times torchvision's forward at THREADS threads (images/s, inference
mode, after one warm-up).
Usage: image_model_reference.py MODEL DIR THREADS BATCH   (MODEL: vit_b_16 or swin_t)
"""
import pathlib
import sys
import time

import torch
import torchvision

name, out, threads, batch = sys.argv[1], pathlib.Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
out.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(threads)
torch.manual_seed(0)
model = getattr(torchvision.models, name)().eval()
torch.save(model.state_dict(), out / f"{name}.pth")
if name == "vit_b_16":
    model.heads = torch.nn.Identity()
else:
    model.head = torch.nn.Identity()
images = torch.randn(batch, 3, 224, 224)
images.numpy().astype("<f4").tofile(out / f"{name}_input.f32")
with torch.inference_mode():
    features = model(images)
    features.numpy().astype("<f4").tofile(out / f"{name}_output.f32")
    start = time.perf_counter()
    repeats = 3
    for _ in range(repeats):
        model(images)
    seconds = (time.perf_counter() - start) / repeats
print(f"torchvision {name}: batch {batch}, {threads} threads: {seconds * 1000:.0f} ms per batch, "
      f"{batch / seconds:.2f} images/s")
