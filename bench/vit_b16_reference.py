#!/usr/bin/env python3
"""torchvision's vit_b_16 as the reference for bench/vit_bench.cpp (seeded random weights).

Writes DIR/vit_b16.safetensors (torchvision names, classifier head removed), a batch of
normalised random images and torchvision's CLS features on them, and times torchvision's
forward at THREADS threads (images/s, inference mode, after one warm-up).
Usage: vit_b16_reference.py DIR THREADS BATCH
"""
import json
import pathlib
import struct
import sys
import time

import torch
import torchvision

out, threads, batch = pathlib.Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
out.mkdir(parents=True, exist_ok=True)
torch.set_num_threads(threads)
torch.manual_seed(0)
model = torchvision.models.vit_b_16().eval()
model.heads = torch.nn.Identity()
header, chunks, offset = {}, [], 0
for name, tensor in model.state_dict().items():
    raw = tensor.contiguous().numpy().astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(tensor.shape), "data_offsets": [offset, offset + len(raw)]}
    chunks.append(raw)
    offset += len(raw)
text = json.dumps(header).encode()
with open(out / "vit_b16.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text)
    for raw in chunks:
        f.write(raw)
images = torch.randn(batch, 3, 224, 224)
images.numpy().astype("<f4").tofile(out / "vit_input.f32")
with torch.inference_mode():
    features = model(images)
    features.numpy().astype("<f4").tofile(out / "vit_output.f32")
    start = time.perf_counter()
    repeats = 3
    for _ in range(repeats):
        model(images)
    seconds = (time.perf_counter() - start) / repeats
print(f"torchvision vit_b_16: batch {batch}, {threads} threads: {seconds * 1000:.0f} ms per batch, "
      f"{batch / seconds:.2f} images/s")
