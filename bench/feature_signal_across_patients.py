#!/usr/bin/env python3
"""Which builtin features carry pathway signal beyond depth from patient C to patient B?

Ridge regression (the HEST protocol's baseline) trained on C2-C5 and tested on B4, on every
group of the builtin encoder's features alone and with each group left out; for each: mean r
over the 50 pathway targets, partial r given log library size, the predicted maps' mean |r|
between maps (the measured maps': printed once) and how many predictions are closest to their
own measured map. --remove-pcs K scores what is left of the targets after their first K
principal components: the pathway-specific part beyond the shared axes. With --extra FILE.npz (per-slide arrays named like the slides, spots in the
cache's order, plus 'names'), the extra features are added as one more group. --align coral
re-colours the held-out patient's features with the training features' covariance (CORAL)
before predicting; --align-strength between 0 and 1 goes part of the way. --depth-nuisance
trains on the targets with log depth regressed out within each training section (depth as a
nuisance the pathways must not carry) and scores against the measured targets as they are.

Inputs: the feature cache that `stx evaluate`/`stx encode` wrote (--cache, *.h5) and `stx score`
h5ad files of the same sections (--scores, SECTION.h5ad, with counts in X).
Usage: feature_signal_across_patients.py --cache stx-cache --scores DIR [--extra F.npz] [--remove-pcs K]
       [--align coral|coral-cov] [--align-strength S] [--depth-nuisance]"""
import argparse
import glob
import os

import anndata
import h5py
import numpy as np

TRAIN, TEST = ["C2", "C3", "C4", "C5"], "B4"
LAMBDAS = [0.1, 1, 10, 100, 1000, 1e4]


def load(cache, scores, section):
    """The section's features (the cache file of its measured spots: a folder may also hold an
    image-only encode of the same section), its pathway scores and log depth, spots in the
    cache's order."""
    a = anndata.read_h5ad(os.path.join(scores, f"scores_{section}.h5ad"))
    for path in sorted(glob.glob(os.path.join(cache, f"{section}-builtin-v1-*.h5"))):
        with h5py.File(path) as f:
            ids = [s.decode() if isinstance(s, bytes) else s for s in f["spot_ids"][:]]
            if (a.obs_names.get_indexer(ids) >= 0).all():
                x = f["features"][:].astype(float)
                names = [s.decode() if isinstance(s, bytes) else s for s in f["feature_names"][:]]
                break
    else:
        raise SystemExit(f"{cache}: no feature cache of {section}'s measured spots")
    order = a.obs_names.get_indexer(ids)
    y = np.asarray(a.obsm["pathway_activity"], dtype=float)[order]
    depth = np.log1p(np.asarray(a.X.sum(1)).ravel())[order]
    return x, y, depth, names


def ridge(xtr, ytr, xte, lam):
    mu, sd = xtr.mean(0), xtr.std(0) + 1e-9
    ztr, zte = (xtr - mu) / sd, (xte - mu) / sd
    ym = ytr.mean(0)
    w = np.linalg.solve(ztr.T @ ztr + lam * np.eye(ztr.shape[1]), ztr.T @ (ytr - ym))
    return zte @ w + ym


def colcorr(a, b):
    a = (a - a.mean(0)) / (a.std(0) + 1e-12)
    b = (b - b.mean(0)) / (b.std(0) + 1e-12)
    return a.T @ b / len(a)


def metrics(y, p, depth):
    k = y.shape[1]
    cross = colcorr(p, y)
    r = np.diag(cross)
    rz_y = colcorr(y, depth[:, None])[:, 0]
    rz_p = colcorr(p, depth[:, None])[:, 0]
    partial = (r - rz_y * rz_p) / np.sqrt((1 - rz_y ** 2) * (1 - rz_p ** 2))
    between = (np.abs(colcorr(p, p)).sum() - k) / (k * (k - 1))
    own = int(np.sum(cross.argmax(1) == np.arange(k)))
    return r.mean(), partial.mean(), between, own


def matrix_power(c, power):
    """c^power of a symmetric positive semi-definite matrix, eigenvalues floored for stability."""
    w, v = np.linalg.eigh(c)
    w = np.maximum(w, 1e-6 * max(w.max(), 1e-12))
    return (v * w ** power) @ v.T


def align(x_new, x_ref, how):
    """Meet a new patient's features half way (Sun et al. 2016, CORAL): re-colour x_new so its
    covariance is x_ref's. 'coral' also moves its mean onto x_ref's; 'coral-cov' keeps its own
    mean (second-order statistics only, so a real shift in tissue composition survives)."""
    if how == "none":
        return x_new
    mu_new, mu_ref = x_new.mean(0), x_ref.mean(0)
    sd = x_ref.std(0) + 1e-9  # work in the reference's units, so no feature's scale dominates
    z_new, z_ref = (x_new - mu_new) / sd, (x_ref - mu_ref) / sd
    lift = matrix_power(np.cov(z_new, rowvar=False) + 1e-3 * np.eye(z_new.shape[1]), -STRENGTH / 2) @ \
        matrix_power(np.cov(z_ref, rowvar=False) + 1e-3 * np.eye(z_new.shape[1]), STRENGTH / 2)
    centre = mu_ref if how == "coral" else mu_new
    return (z_new @ lift) * sd + centre


ALIGN, STRENGTH = "none", 1.0
DEPTH_NUISANCE = False


def training_targets(slide):
    """A training section's targets: as measured, or (--depth-nuisance) what is left of them after
    a line in its own log depth."""
    y, depth = slide[1], slide[2]
    if not DEPTH_NUISANCE:
        return y
    z = np.column_stack([np.ones_like(depth), depth])
    return y - z @ np.linalg.lstsq(z, y, rcond=None)[0]


def fit(slides, columns):
    """lambda by leave one training section out, then C2-C5 -> B4."""
    best = None
    for lam in LAMBDAS:
        rs = []
        for held in TRAIN:
            tr = [s for s in TRAIN if s != held]
            xtr = np.vstack([slides[s][0][:, columns] for s in tr])
            ytr = np.vstack([training_targets(slides[s]) for s in tr])
            p = ridge(xtr, ytr, slides[held][0][:, columns], lam)
            rs.append(np.diag(colcorr(p, slides[held][1])).mean())
        if best is None or np.mean(rs) > best[0]:
            best = (np.mean(rs), lam)
    xtr = np.vstack([slides[s][0][:, columns] for s in TRAIN])
    ytr = np.vstack([training_targets(slides[s]) for s in TRAIN])
    p = ridge(xtr, ytr, align(slides[TEST][0][:, columns], xtr, ALIGN), best[1])
    return metrics(slides[TEST][1], p, slides[TEST][2]) + (best[1], best[0])


def fit_reverse(slides, columns, lam):
    """B4 -> each section of patient C (the other patient fold; lambda from the forward fit):
    the mean over the four sections of mean r and partial r."""
    out = []
    for held in TRAIN:
        x_ref = slides[TEST][0][:, columns]
        p = ridge(x_ref, training_targets(slides[TEST]), align(slides[held][0][:, columns], x_ref, ALIGN), lam)
        out.append(metrics(slides[held][1], p, slides[held][2])[:2])
    return np.mean(out, axis=0)


def group_of(name):
    base = name.split("_", 1)[1]
    if base.startswith(("H_",)):
        return "haematoxylin distribution"
    if base.startswith("E_"):
        return "eosin distribution"
    if base.startswith(("L_", "a_", "b_")):
        return "Lab colour"
    if base.startswith(("gradient", "laplacian")):
        return "gradients"
    if base.startswith("glcm"):
        return "texture (GLCM)"
    if base.startswith(("nuclei", "nucleus", "nuclear")):
        return "nuclei"
    if base.startswith("tissue"):
        return "tissue fraction"
    return "extra"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", default="stx-cache")
    ap.add_argument("--scores", required=True)
    ap.add_argument("--extra")
    ap.add_argument("--remove-pcs", type=int, default=0,
                    help="score the targets left after removing their first K principal components "
                         "(fitted on the training sections' standardised targets): pathway-specific signal")
    ap.add_argument("--align", choices=["none", "coral", "coral-cov"], default="none",
                    help="align the held-out patient's features to the training features' statistics")
    ap.add_argument("--align-strength", type=float, default=1.0,
                    help="0 leaves the features as they are, 1 matches the covariance fully")
    ap.add_argument("--depth-nuisance", action="store_true",
                    help="train on the targets with log depth regressed out within each training section")
    a = ap.parse_args()
    global ALIGN, STRENGTH, DEPTH_NUISANCE
    ALIGN, STRENGTH, DEPTH_NUISANCE = a.align, a.align_strength, a.depth_nuisance
    slides = {s: list(load(a.cache, a.scores, s)) for s in TRAIN + [TEST]}
    if a.remove_pcs > 0:
        y_train = np.vstack([slides[s][1] for s in TRAIN])
        mu, sd = y_train.mean(0), y_train.std(0)
        _, share, vt = np.linalg.svd((y_train - mu) / sd, full_matrices=False)
        share = share ** 2 / np.sum(share ** 2)
        print(f"removed the first {a.remove_pcs} components of the training targets "
              f"({100 * share[:a.remove_pcs].sum():.0f} % of their variance)")
        keep = np.eye(len(mu)) - vt[:a.remove_pcs].T @ vt[:a.remove_pcs]
        for s in slides:
            slides[s][1] = ((slides[s][1] - mu) / sd) @ keep
    names = slides[TEST][3]
    groups = {}
    for i, n in enumerate(names):
        groups.setdefault(group_of(n), []).append(i)
    if a.extra:
        extra = np.load(a.extra, allow_pickle=True)
        start = len(names)
        for s in slides:
            slides[s][0] = np.hstack([slides[s][0], extra[s]])
        groups["extra"] = list(range(start, start + extra[TEST].shape[1]))
    y, depth = slides[TEST][1], slides[TEST][2]
    k = y.shape[1]
    measured = (np.abs(colcorr(y, y)).sum() - k) / (k * (k - 1))
    print(f"B4 measured maps' mean |r| between maps {measured:.3f}; train C2-C5, ridge, lambda by leave one section out\n")
    print("| features | n | mean r | partial r | maps' mean \\|r\\| | own closest | lambda | within C (LOSO) r | B4 -> C: mean r | partial r |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    rows = [("builtin (all 60)", [i for g, c in groups.items() if g != "extra" for i in c])]
    if a.extra:
        rows.append(("builtin + extra", [i for c in groups.values() for i in c]))
    everything = rows[-1][1]
    for g, c in groups.items():
        rows.append((f"only {g}", c))
    for g, c in groups.items():
        rows.append((f"all but {g}", [i for i in everything if i not in c]))
    for label, columns in rows:
        r, partial, between, own, lam, within = fit(slides, columns)
        back_r, back_partial = fit_reverse(slides, columns, lam)
        print(f"| {label} | {len(columns)} | {r:.3f} | {partial:.3f} | {between:.3f} | {own} of {k} | {lam:g} "
              f"| {within:.3f} | {back_r:.3f} | {back_partial:.3f} |")


if __name__ == "__main__":
    main()
