#!/usr/bin/env python3
"""A prototype, not product code: composition features per spot of the five imaged HER2ST
sections, for the spot's patch (112 um) and a context three times wider: nuclei per 10^4 um^2
(all, lymphocyte-like small round dark ones, large ones, elongated ones) and their shares,
median nuclear area, eccentricity and haematoxylin, and the fractions of white and of
eosin-rich nucleus-free (stroma-like) pixels. Nuclei are the connected components of the
smoothed haematoxylin (scikit-image's rgb2hed) above the slide's Otsu threshold.

Writes an npz (one array per section, spots in the feature cache's order, and 'names') for
bench/feature_signal_across_patients.py --extra. docs/model.md says what it showed.
Usage: prototype_composition_features.py CACHE_DIR SHARED_DATA OUT.npz"""
import glob
import json
import sys

import h5py
import numpy as np
from PIL import Image
from skimage import color, filters, measure, morphology

Image.MAX_IMAGE_PIXELS = None
cache, data, out = sys.argv[1], sys.argv[2], sys.argv[3]
SECTIONS = ["C2", "C3", "C4", "C5", "B4"]


def crop(img, x, y, half):
    h, w = img.shape[:2]
    x0, y0 = int(round(x - half)), int(round(y - half))
    x1, y1 = x0 + 2 * half, y0 + 2 * half
    pad = np.full((2 * half, 2 * half, 3), 255, np.uint8)
    sx0, sy0, sx1, sy1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    pad[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] = img[sy0:sy1, sx0:sx1]
    return pad


def features(rgb, um, h_thr, e_thr):
    hed = color.rgb2hed(rgb)
    h, e = hed[..., 0], hed[..., 1]
    area_um2 = rgb.shape[0] * rgb.shape[1] * um * um
    hs = filters.gaussian(h, sigma=max(0.5, 0.7 / um))
    mask = morphology.binary_opening(hs > h_thr, morphology.disk(1))
    lab = measure.label(mask)
    props = measure.regionprops(lab, intensity_image=h)
    areas, ecc, inten = [], [], []
    for p in props:
        a = p.area * um * um
        if 8 <= a <= 200:
            areas.append(a)
            ecc.append(p.eccentricity)
            inten.append(p.mean_intensity)
    areas, ecc, inten = np.array(areas), np.array(ecc), np.array(inten)
    n = len(areas)
    per = 1e4 / area_um2
    if n:
        med_i = np.median(inten)
        lymph = np.sum((areas < 40) & (ecc < 0.8) & (inten > h_thr * 1.5))
        large = np.sum(areas > 50)
        elong = np.sum(ecc > 0.9)
        f = [n * per, lymph * per, large * per, elong * per, lymph / n, large / n, elong / n,
             np.median(areas), np.median(ecc), med_i]
    else:
        f = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    white = np.mean(rgb.min(2) > 215)
    stroma = np.mean((e > e_thr) & (hs < h_thr))
    return f + [white, stroma]


NAMES = ["nuclei_density", "lymph_density", "large_density", "elongated_density", "lymph_share",
         "large_share", "elongated_share", "area_median", "ecc_median", "nuclear_h", "white", "stroma"]

result = {}
for s in SECTIONS:
    path = glob.glob(f"{cache}/{s}-builtin-v1-*.h5")[0]
    with h5py.File(path) as f:
        xy = f["spatial"][:]
        key = json.loads(f.attrs["key"])
    um = key["um_per_px"]
    img = np.asarray(Image.open(f"{data}/her2st/images/{s}.jpg").convert("RGB"))
    half = int(round(112 / um / 2))
    # slide thresholds from the spots' own pixels: Otsu over the haematoxylin and eosin
    sample = np.concatenate([color.rgb2hed(crop(img, x, y, half)[::4, ::4]).reshape(-1, 3) for x, y in xy[::3]])
    h_thr = filters.threshold_otsu(sample[:, 0])
    e_thr = np.percentile(sample[:, 1], 60)
    rows = []
    for x, y in xy:
        rows.append(features(crop(img, x, y, half), um, h_thr, e_thr) +
                    features(crop(img, x, y, 3 * half), um, h_thr, e_thr))
    result[s] = np.array(rows, float)
    print(s, len(rows), f"h_thr {h_thr:.3f}", result[s].mean(0)[:4], flush=True)
result["names"] = np.array(["spot_" + n for n in NAMES] + ["context_" + n for n in NAMES])
np.savez(out, **result)
