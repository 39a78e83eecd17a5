"""Writes the seed inputs of the fuzz targets that need more than a copied fixture (run once;
the outputs are committed under fuzz/corpus/). Needs python3-h5py, python3-numpy, python3-torch.

Usage: /usr/bin/python3 fuzz/make_seeds.py  (from the repository root)
"""
import gzip
import json
import pathlib

import h5py
import numpy as np
import torch

corpus = pathlib.Path("fuzz/corpus")

# h5: a 10x feature-barcode matrix of 3 barcodes x 2 features (CSC by barcode), as Cell Ranger
# and Space Ranger write it
with h5py.File(corpus / "h5" / "tenx_matrix.h5", "w") as f:
    m = f.create_group("matrix")
    m["barcodes"] = np.array([b"AAA-1", b"CCC-1", b"GGG-1"])
    m["data"] = np.array([4, 7, 1], dtype=np.int32)
    m["indices"] = np.array([0, 1, 0], dtype=np.int64)
    m["indptr"] = np.array([0, 1, 2, 3], dtype=np.int64)
    m["shape"] = np.array([2, 3], dtype=np.int32)
    features = m.create_group("features")
    features["id"] = np.array([b"ENSG01", b"ENSG02"])
    features["name"] = np.array([b"G1", b"G2"])
    features["feature_type"] = np.array([b"Gene Expression", b"Gene Expression"])
    features["genome"] = np.array([b"GRCh38", b"GRCh38"])

# legacy_st: the first five spots and eight genes of the demo's B4, counts NUL spot table
with gzip.open("demo/her2st/counts/B4.tsv.gz", "rt") as f:
    rows = [line.rstrip("\n").split("\t")[:9] for _, line in zip(range(6), f)]
ids = {r[0] for r in rows[1:]}
spots = [line for line in open("demo/her2st/spots/B4_selection.tsv").read().splitlines()
         if line.startswith("x\t") or f"{line.split(chr(9))[0]}x{line.split(chr(9))[1]}" in ids]
(corpus / "legacy_st" / "B4_five_spots.txt").write_bytes(
    ("\n".join("\t".join(r) for r in rows) + "\n\0" + "\n".join(spots) + "\n").encode())

# spaceranger: tissue_positions.csv (v2, with a header) NUL scalefactors_json.json, for the
# fuzz target's fixed barcodes AAA-1, CCC-1, GGG-1
positions = ("barcode,in_tissue,array_row,array_col,pxl_row_in_fullres,pxl_col_in_fullres\n"
             "AAA-1,1,3,117,2885,10829\nCCC-1,1,5,19,3141,4088\nGGG-1,0,4,108,3006,10210\n")
scalefactors = json.dumps({"spot_diameter_fullres": 89.43, "tissue_hires_scalef": 0.15,
                           "fiducial_diameter_fullres": 144.46, "tissue_lowres_scalef": 0.045})
(corpus / "spaceranger" / "three_spots.txt").write_bytes((positions + "\0" + scalefactors).encode())

# torch_zip: a state dict and a training checkpoint around one, as torch.save writes them
torch.manual_seed(0)
state = {"proj.weight": torch.randn(4, 3), "proj.bias": torch.zeros(4, dtype=torch.float16),
         "steps": torch.tensor([3], dtype=torch.int64)}
torch.save(state, corpus / "torch_zip" / "state_dict.pth")
torch.save({"epoch": 2, "state_dict": {"head.weight": torch.ones(2, 2, dtype=torch.bfloat16)}},
           corpus / "torch_zip" / "checkpoint.pth")

# model_metadata: what a QuadFlow model.pt holds (2 features, 2 pathways, 3 genes)
metadata = {
    "format": "stx-quadflow-1", "version": "0.1.0",
    "model": {"feature_dim": 2, "n_pathways": 2, "n_genes": 3, "width": 8, "layers": 1, "heads": 2,
              "spatial_attention": True, "pathway_attention": True, "cross_attention": True,
              "pathway_readout": True, "linear_path": True, "overlap_bias": True,
              "linear_path_neighbours": True, "linear_path_reduced_rank": True,
              "slide_feature_norm": False, "neighbours": 13, "radius_pitches": 2.5,
              "full_attention": False, "residual_rank": 2, "dropout": 0.1},
    "encoder_identity": "builtin-v3", "encoder_name": "builtin", "encoder_weights": "",
    "encoder_bf16": False, "stain_reference": "",
    "encoder_tail": {"blocks": 1, "width": 8, "heads": 2, "mlp": 16, "layer_scale": False, "norm_eps": 1e-6},
    "patch_size_um": 112.0, "patch_size_px": 224, "score_method": "zscore", "gene_sets": "hallmarks",
    "pathways": ["HALLMARK_HYPOXIA", "HALLMARK_APOPTOSIS"], "genes": ["G1", "G2", "G3"],
    "gene_target_scale": "log1p-cp10k", "feature_names": ["f0", "f1"], "membership": [1, 0, 1, 0, 1, 1],
    "pathway_overlap": [1.0, 0.3, 0.3, 1.0], "feature_mean": [0.1, 0.2], "feature_sd": [1.0, 2.0],
    "gene_mean": [0.0, 1.0, 2.0], "gene_sd": [1.0, 1.0, 1.0], "pathway_mean": [0.0, 0.0],
    "pathway_sd": [1.0, 0.5], "training_slides": ["C2", "C3"]}
(corpus / "model_metadata" / "tiny_model.json").write_text(json.dumps(metadata))

# pyramid: edits of tests/fixtures/pyramid_jpeg.tif's single-value tags, 5 bytes each (the
# slot's index among the SHORT/LONG entries holding one value, then the new value, little
# endian), as fuzz_pyramid applies them; the lies #32's tester told, and the file as written
import struct


def tiff_slots(data):
    slots, ifd, directory = [], struct.unpack_from("<I", data, 4)[0], 0
    while ifd:
        entries = struct.unpack_from("<H", data, ifd)[0]
        for e in range(entries):
            tag, kind, count = struct.unpack_from("<HHI", data, ifd + 2 + 12 * e)
            if kind in (3, 4) and count == 1:
                slots.append((directory, tag))
        ifd, directory = struct.unpack_from("<I", data, ifd + 2 + 12 * entries)[0], directory + 1
    return slots


slots = tiff_slots(pathlib.Path("tests/fixtures/pyramid_jpeg.tif").read_bytes())
edit = lambda directory, tag, value: struct.pack("<BI", slots.index((directory, tag)), value)
(corpus / "pyramid").mkdir(exist_ok=True)
for name, edits in {"as_written": [(0, 322, 128)], "tiles_65520": [(0, 322, 65520), (0, 323, 65520)],
                    "tile_width_250": [(0, 322, 250)], "level1_larger": [(1, 256, 24464), (1, 257, 24464)],
                    "offset_outside": [(1, 324, 10**9)]}.items():
    (corpus / "pyramid" / name).write_bytes(b"".join(edit(*e) for e in edits))
