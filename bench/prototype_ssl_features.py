#!/usr/bin/env python3
"""A prototype, not product code: does a small CNN learned self-supervised on the training
patient's H&E see pathway signal that transfers to a new patient better than the builtin
features? (issue #27, item 4: "a small CNN learned self-supervised on the imaged sections")

SimCLR (NT-Xent, temperature 0.2) on patches of the TRAINING sections only (C2-C5 for the
C -> B4 fold): spot-centred and randomly placed tissue patches of 220 um, shown at 2.75 um/px
(80 x 80 px) and cropped to 64 x 64; the two views differ by crop, dihedral transform,
haematoxylin/eosin jitter in optical density (each stain scaled by U(0.75, 1.25), as a new
scanner would) and brightness. The encoder (four 3 x 3 conv layers, three of stride 2, 128-d global average) then embeds
every spot of all five sections (mean over the eight dihedral views of its centre crop), and the
embedding is written as an npz for bench/feature_signal_across_patients.py --extra.

B4 -> C in that script is transductive for these features (the encoder saw patient C's images,
never their expression); only the C2-C5 -> B4 row is a clean test.
Usage: prototype_ssl_features.py CACHE_DIR SHARED_DATA OUT.npz [--steps N] [--seed S]"""
import argparse
import glob
import json
import time

import h5py
import numpy as np
import torch
from PIL import Image
from torch import nn

Image.MAX_IMAGE_PIXELS = None
SECTIONS = ["C2", "C3", "C4", "C5", "B4"]
TRAIN = ["C2", "C3", "C4", "C5"]
REGION_UM, PIX_UM, SIDE, CROP = 220.0, 2.75, 80, 64
# skimage's rgb2hed stain matrix (Ruifrok & Johnston): rows H, E, DAB in optical density
RGB_FROM_HED = torch.tensor([[0.65, 0.70, 0.29], [0.07, 0.99, 0.11], [0.27, 0.57, 0.78]])
HED_FROM_RGB = torch.linalg.inv(RGB_FROM_HED)


def region(img, x, y, half, side):
    h, w = img.shape[:2]
    x0, y0 = int(round(x - half)), int(round(y - half))
    pad = np.full((2 * half, 2 * half, 3), 255, np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x0 + 2 * half), min(h, y0 + 2 * half)
    if sx1 > sx0 and sy1 > sy0:
        pad[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    return np.asarray(Image.fromarray(pad).resize((side, side), Image.BILINEAR))


def load_sections(cache, data):
    out = {}
    for s in SECTIONS:
        path = glob.glob(f"{cache}/{s}-builtin-v1-*.h5")[0]
        with h5py.File(path) as f:
            xy = f["spatial"][:]
            um = json.loads(f.attrs["key"])["um_per_px"]
        img = np.asarray(Image.open(f"{data}/her2st/images/{s}.jpg").convert("RGB"))
        half = int(round(REGION_UM / um / 2))
        spots = np.stack([region(img, x, y, half, SIDE) for x, y in xy])
        out[s] = (img, xy, half, spots)
        print(f"{s}: {len(xy)} spots", flush=True)
    return out


def random_tissue_patches(sections, n, rng):
    """Patches at random places near the spots (within one spot pitch): more tissue to learn from."""
    pool = []
    for s in TRAIN:
        img, xy, half, _ = sections[s]
        pitch = half  # 220 um region ~ one array step of 200 um
        for _ in range(n // len(TRAIN)):
            x, y = xy[rng.integers(len(xy))] + rng.uniform(-pitch, pitch, 2)
            pool.append(region(img, x, y, half, SIDE))
    return np.stack(pool)


def augment(batch, gen):
    """batch: uint8 N x 80 x 80 x 3 -> float N x 3 x 64 x 64, one random view each."""
    n = batch.shape[0]
    x = torch.from_numpy(batch).float()
    ox = torch.randint(0, SIDE - CROP + 1, (n,), generator=gen)
    oy = torch.randint(0, SIDE - CROP + 1, (n,), generator=gen)
    x = torch.stack([x[i, oy[i]:oy[i] + CROP, ox[i]:ox[i] + CROP] for i in range(n)])
    od = -torch.log((x + 1) / 256)
    hed = od @ HED_FROM_RGB
    scale = 0.75 + 0.5 * torch.rand(n, 1, 1, 3, generator=gen)
    scale[..., 2] = 1
    od = (hed * scale) @ RGB_FROM_HED
    x = torch.exp(-od) * 256 - 1
    x = x * (0.9 + 0.2 * torch.rand(n, 1, 1, 1, generator=gen))
    x = (x.clamp(0, 255) / 255 - 0.5) / 0.25
    x = x.permute(0, 3, 1, 2)
    k = int(torch.randint(0, 4, (1,), generator=gen))
    x = torch.rot90(x, k, (2, 3))
    if torch.rand(1, generator=gen) < 0.5:
        x = torch.flip(x, (3,))
    return x.contiguous()


def block(i, o, stride):
    return nn.Sequential(nn.Conv2d(i, o, 3, stride=stride, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU())


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(block(3, 32, 2), block(32, 64, 2), block(64, 128, 2), block(128, 128, 1))
        self.head = nn.Sequential(nn.Linear(128, 128), nn.ReLU(), nn.Linear(128, 64))

    def embed(self, x):
        return self.body(x).mean((2, 3))


def nt_xent(z1, z2, temperature=0.2):
    z = nn.functional.normalize(torch.cat([z1, z2]), dim=1)
    sim = z @ z.T / temperature
    sim.fill_diagonal_(-1e9)
    n = z1.shape[0]
    target = torch.cat([torch.arange(n, 2 * n), torch.arange(0, n)])
    return nn.functional.cross_entropy(sim, target)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("cache")
    ap.add_argument("data")
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    sections = load_sections(a.cache, a.data)
    pool = np.concatenate([random_tissue_patches(sections, 12000, rng)] +
                          [sections[s][3] for s in TRAIN])
    for s in sections:  # the full images are no longer needed
        sections[s] = sections[s][3]
    print(f"training pool: {len(pool)} patches", flush=True)
    model = Encoder()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=a.steps)
    start = time.time()
    for step in range(a.steps):
        idx = rng.integers(len(pool), size=a.batch)
        v1, v2 = augment(pool[idx], gen), augment(pool[idx], gen)
        loss = nt_xent(model.head(model.embed(v1)), model.head(model.embed(v2)))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0 or step == a.steps - 1:
            print(f"step {step}: loss {loss.item():.3f} ({time.time() - start:.0f} s)", flush=True)
    model.eval()
    result = {}
    off = (SIDE - CROP) // 2
    with torch.no_grad():
        for s, spots in sections.items():
            x = torch.from_numpy(spots[:, off:off + CROP, off:off + CROP]).float()
            x = ((x / 255 - 0.5) / 0.25).permute(0, 3, 1, 2).contiguous()
            views = [torch.rot90(x, k, (2, 3)) for k in range(4)]
            views += [torch.flip(v, (3,)) for v in views]
            result[s] = torch.stack([model.embed(v) for v in views]).mean(0).numpy()
    result["names"] = np.array([f"ssl_{i}" for i in range(result["B4"].shape[1])])
    np.savez(a.out, **result)
    print(f"wrote {a.out}", flush=True)


if __name__ == "__main__":
    main()
