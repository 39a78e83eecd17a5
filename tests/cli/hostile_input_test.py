"""Hostile input (#18): absurd and contradictory options, and AnnData files with garbage in
them. Each case must end with the documented exit code (1 usage, 2 bad input), exactly one
line on stderr (run with -q: no progress notes) that names what was wrong, and no output file.
Every case is classified as clean error, crash, hang, silent success, output written or
unclear error, and the table of them is printed.
The corpus uses the bundled demo (demo/her2st) and files written here with python3-anndata.

Usage: hostile_input_test.py STX SHARED_DATA SOURCE_DIR
"""
import pathlib
import sys
import tempfile

import anndata
import numpy as np
import scipy.sparse as sp

from common import Checks, run

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
demo = source / "demo" / "her2st"
image = demo / "images" / "B4.jpg"
c = Checks("hostile_input")
OUTCOMES = ["clean error", "crash", "hang", "silent", "partial output", "unclear error"]
tally = {}  # category -> {outcome: count}


def outcome(args, code, message, outputs):
    """What stx did with a hostile case: one of OUTCOMES."""
    import subprocess
    try:
        r = run(stx, "-q", *args, timeout=60)  # -q: warnings and errors only
    except subprocess.TimeoutExpired:
        return "hang", "no answer in 60 s"
    lines = r.stderr.strip().splitlines()
    said = f"exit {r.returncode}, stderr {r.stderr.strip()[-300:]!r}"
    if any(pathlib.Path(p).exists() for p in outputs):
        return "partial output", said
    if r.returncode < 0 or r.returncode == 3 or "terminate called" in r.stderr:
        return "crash", said
    if r.returncode == 0:
        return "silent", said
    if r.returncode == code and len(lines) == 1 and lines[0].startswith("stx") and message in lines[0]:
        return "clean error", said
    return "unclear error", said


def expect(category, args, code, message, outputs=()):
    got, said = outcome(args, code, message, outputs)
    c.check(got == "clean error", f"{category}: stx {' '.join(map(str, args))}: {got}: {said} "
                                  f"(expected exit {code} and one line with {message!r})")
    counts = tally.setdefault(category, dict.fromkeys(OUTCOMES, 0))
    counts[got] += 1


def small_slide(n=6, genes=4):
    """A valid AnnData of n spots that stx reads: raw counts, obsm['spatial'], scale factors."""
    counts = np.arange(1, n * genes + 1, dtype=np.float32).reshape(n, genes)
    a = anndata.AnnData(X=sp.csr_matrix(counts))
    a.obs_names = [f"s{i}" for i in range(n)]
    a.var_names = [f"G{j}" for j in range(genes)]
    a.obsm["spatial"] = np.column_stack([np.arange(n) * 10.0 + 5, np.full(n, 5.0)])
    a.uns["spatial"] = {"lib": {"scalefactors": {"spot_diameter_fullres": 30.0}}}
    return a


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    out = tmp / "out.h5ad"
    training = ["train", str(demo), "--sections", "C2,C3", "--epochs", "5", "--ensemble", "1"]

    # --- options out of range, not finite, or contradictory: exit 1 before any data is read ---
    for flag, value, message in [("--lr", "nan", "--lr"), ("--lr", "1e30", "--lr"),
                                 ("--dropout", "nan", "--dropout"), ("--weight-decay", "-5", "--weight-decay"),
                                 ("--epochs", "99999999999", "--epochs"), ("--seed", "-1", "--seed"),
                                 ("--threads", "100000", "--threads"), ("--threads", "-3", "--threads"),
                                 ("--smoothness", "inf", "--smoothness")]:
        model = tmp / f"model{flag}{value}"
        expect("options", [*training, "--out", str(model), flag, value], 1, message, [model / "model.pt"])
    expect("options", [*training, "--out", str(tmp / "m1"), "--no-linear-path", "--linear-path", "on"], 1, "excludes",
           [tmp / "m1" / "model.pt"])
    expect("options", ["train", str(demo), "--sections", "C2,C2", "--epochs", "5", "--out", str(tmp / "m2")], 1,
           "given twice", [tmp / "m2" / "model.pt"])
    expect("options", ["domains", str(demo), "--sections", "A1,A1", "-o", str(tmp / "d")], 1, "given twice")
    # a missing second section: refused before B1 is clustered, and no figure of B1 is left
    expect("options", ["domains", str(demo), "--sections", "B1,Z9", "-o", str(tmp / "dz")], 1, "no section 'Z9'",
           [tmp / "dz" / "domains_B1.png", tmp / "dz" / "domains.tsv"])
    # a path the system refuses (here, a name past NAME_MAX) is bad input, not an internal error
    expect("options", ["domains", str(demo), "--sections", "B1", "-o", str(tmp / ("x" * 300))], 2,
           "File name too long")
    expect("options", ["encode", str(image), "--um-per-px", "nan", "--cache-dir", str(tmp / "c")], 1, "--um-per-px")
    expect("options", ["encode", str(image), "--um-per-px", "1e-6", "--cache-dir", str(tmp / "c")], 1, "--um-per-px")
    expect("options", ["encode", str(image), "--um-per-px", "0.69", "--pitch-um", "0.5", "--cache-dir",
                       str(tmp / "c")], 1, "--pitch-um")
    expect("options", ["encode", str(image), "--um-per-px", "0.69", "--pitch-um", "2", "--cache-dir",
                       str(tmp / "c")], 1, "use a coarser pitch")
    expect("options", ["encode", str(demo), "--section", "C2", "--encoder", "builtin", "--weights", "x.pt",
                       "--cache-dir", str(tmp / "c")], 1, "takes no weights")
    expect("options", ["score", str(demo), "--section", "C2", "-o", str(tmp / "same"), "--tsv", str(tmp / "same")],
           1, "the same file", [tmp / "same"])
    # options that would have no effect in this mode are refused, not ignored
    predict = ["predict", str(demo), "--section", "C2", "-m", str(tmp / "none.pt"), "-o", str(tmp / "p.h5ad")]
    expect("options", [*predict, "--map-zoom", "0,0,500,500"], 1, "--map-zoom draws into the maps folder",
           [tmp / "p.h5ad"])
    expect("options", [*predict, "--map-pathway", "HALLMARK_HYPOXIA"], 1, "--map-pathway draws into the maps folder",
           [tmp / "p.h5ad"])
    (tmp / "centres.csv").write_text("x,y\n10,10\n")
    expect("options", [*predict, "--cells", str(tmp / "centres.csv")], 1, "is a slide with its own spots",
           [tmp / "p.h5ad"])
    expect("options", ["encode", str(demo), "--section", "C2", "--cells", str(tmp / "centres.csv"), "--cache-dir",
                       str(tmp / "c")], 1, "is a slide with its own spots")
    (tmp / "a_file").write_text("not a folder")
    expect("options", ["encode", str(demo), "--section", "C2", "--cache-dir", str(tmp / "a_file" / "cache")], 2,
           "--cache-dir")

    # --- garbage inside a file that parses: exit 2, naming the file ---------------------------
    def bad(name, edit, message):
        a = small_slide()
        edited = edit(a)
        a = edited if edited is not None else a  # (an AnnData of 0 spots is falsy)
        path, written = tmp / f"{name}.h5ad", tmp / f"{name}_out.h5ad"
        a.write_h5ad(path)
        expect("h5ad values", ["ingest", str(path), "-o", str(written)], 2, message, [written])

    bad("no_spots", lambda a: a[:0].copy(), "no spots")
    # NaN activity: k-means would assert inside OpenCV (exit 3, its raw message)
    nan_activity = small_slide()
    nan_activity.obsm["pathway_activity"] = np.ones((6, 3))
    nan_activity.obsm["pathway_activity"][4, 1] = np.nan
    nan_activity.write_h5ad(tmp / "nan_activity.h5ad")
    expect("h5ad values", ["domains", str(tmp / "nan_activity.h5ad"), "-o", str(tmp / "nan_dom")], 2,
           "obsm['pathway_activity'] is NaN or infinite at spot 's4'", [tmp / "nan_dom" / "domains.tsv"])
    bad("zero_diameter", lambda a: a.uns["spatial"]["lib"]["scalefactors"].update(spot_diameter_fullres=0.0),
        "spot_diameter_fullres")
    bad("negative_diameter", lambda a: a.uns["spatial"]["lib"]["scalefactors"].update(spot_diameter_fullres=-4.0),
        "spot_diameter_fullres")
    bad("nan_um_per_px", lambda a: a.uns.update(stx={"um_per_px": np.nan}), "um_per_px")

    def nan_coordinate(a):
        a.obsm["spatial"][2, 0] = np.nan
    bad("nan_coordinate", nan_coordinate, "finite pixels")

    def all_zero(a):
        a.X = sp.csr_matrix(np.zeros(a.shape, dtype=np.float32))
    bad("all_zero", all_zero, "every count is zero")

    def overflow(a):
        dense = a.X.toarray().astype(np.float64)
        dense[1, 1] = 1e39  # inf once stored as float32
        a.X = sp.csr_matrix(dense)
    bad("overflow", overflow, "non-negative finite")

    # --- images that do not decode ------------------------------------------------------------
    from PIL import Image
    rng = np.random.default_rng(0)
    Image.fromarray(rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)).save(tmp / "whole.png")
    whole = (tmp / "whole.png").read_bytes()
    (tmp / "truncated.png").write_bytes(whole[: len(whole) // 2])
    expect("images", ["encode", str(tmp / "truncated.png"), "--um-per-px", "1", "--cache-dir", str(tmp / "c")],
           2, "truncated.png")
    (tmp / "noise.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(rng.integers(0, 255, 5000, dtype=np.uint8)))
    expect("images", ["encode", str(tmp / "noise.jpg"), "--um-per-px", "1", "--cache-dir", str(tmp / "c")],
           2, "noise.jpg")

    # sparse X whose indptr runs past the stored values (was a segfault), CSC and CSR
    import h5py
    for kind in ("csc", "csr"):
        a = small_slide()
        a.X = sp.csc_matrix(a.X) if kind == "csc" else a.X
        path = tmp / f"{kind}_indptr.h5ad"
        a.write_h5ad(path)
        with h5py.File(path, "r+") as f:
            indptr = f["X/indptr"][...]
            indptr[2] = indptr[-1] + 10_000_000
            f["X/indptr"][...] = indptr
        expect("h5ad values", ["ingest", str(path), "-o", str(tmp / f"{kind}_out.h5ad")], 2, "indptr",
               [tmp / f"{kind}_out.h5ad"])

    no_spatial = small_slide()
    del no_spatial.obsm["spatial"]
    no_spatial.write_h5ad(tmp / "no_spatial.h5ad")
    expect("h5ad values", ["encode", str(tmp / "no_spatial.h5ad"), "--image", str(tmp / "whole.png"),
                           "--cache-dir", str(tmp / "c")], 2, "no coordinates")

    # --- a plain (strip) TIFF above --max-image-pixels: refused from its header -------------
    from PIL import Image
    Image.new("RGB", (1500, 1000), (200, 150, 180)).save(tmp / "strips.tif")  # 1.5 Mpx, not tiled
    expect("images", ["encode", str(tmp / "strips.tif"), "--um-per-px", "0.5", "--max-image-pixels", "1000000",
                      "--cache-dir", str(tmp / "c")], 2, "1500 x 1000")

    # --- .pth archives: a zip bomb, and a storage that disagrees with its tensor ---------------
    import zipfile

    def torch_zip(path, pkl, storages, method=zipfile.ZIP_STORED):
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("archive/data.pkl", pkl, compress_type=zipfile.ZIP_STORED)
            z.writestr("archive/byteorder", "little")
            z.writestr("archive/version", "3\n")
            for name, data in storages.items():
                z.writestr(f"archive/data/{name}", data, compress_type=method, compresslevel=9)

    # The real pickle of {"w": a (4,) float32 tensor in storage "0"}, written by python3-torch.
    import io
    import torch
    buffer = io.BytesIO()
    torch.save({"w": torch.zeros(4)}, buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as z:
        pkl = z.read([n for n in z.namelist() if n.endswith("data.pkl")][0])
    bomb = tmp / "bomb.pth"  # 600 MB of zeros deflated to under 1 MB
    torch_zip(bomb, pkl, {"0": bytes(600 << 20)}, zipfile.ZIP_DEFLATED)
    c.check(bomb.stat().st_size < (1 << 20), f"the bomb is {bomb.stat().st_size} bytes")
    expect("weights", ["encode", str(image), "--um-per-px", "0.69", "--encoder", "vit", "--weights", str(bomb),
                       "--cache-dir", str(tmp / "c")], 2, "zip bomb")
    short = tmp / "short_storage.pth"  # the tensor needs 16 bytes, the archive holds 8
    torch_zip(short, pkl, {"0": bytes(8)})
    expect("weights", ["encode", str(image), "--um-per-px", "0.69", "--encoder", "vit", "--weights", str(short),
                       "--cache-dir", str(tmp / "c")], 2, "expected 4 elements")

    # --- damaged files whose parser is a library: HDF5 1.10.8 segfaulted on two changed bytes --
    damaged = bytearray((source / "tests" / "fixtures" / "anndata_csc.h5ad").read_bytes())
    damaged[2125], damaged[2356] = 0x40, 0x32  # found by fuzz_h5: a string's global-heap address
    (tmp / "heap.h5ad").write_bytes(bytes(damaged))
    expect("damaged files", ["ingest", str(tmp / "heap.h5ad"), "-o", str(tmp / "heap_out.h5ad")], 2,
           "crashed the HDF5 library", [tmp / "heap_out.h5ad"])
    # found by fuzz_h5: HDF5 1.10.8 loops forever in H5HG_read; the guard stops it after 30 s
    loop = source / "tests" / "fixtures" / "hostile" / "h5ad_global_heap_loop.h5ad"
    expect("damaged files", ["ingest", str(loop), "-o", str(tmp / "loop_out.h5ad")], 2,
           "did not finish reading it within 30 s", [tmp / "loop_out.h5ad"])
    with h5py.File(tmp / "huge_x.h5ad", "w") as f:  # X declares 4 * 10^11 bytes and stores none
        x = f.create_dataset("X", shape=(1_000_000, 100_000), dtype="f4", chunks=(1000, 1000))
        x.attrs["encoding-type"], x.attrs["encoding-version"] = "array", "0.2.0"
        f.attrs["encoding-type"], f.attrs["encoding-version"] = "anndata", "0.1.0"
    expect("damaged files", ["ingest", str(tmp / "huge_x.h5ad"), "-o", str(tmp / "huge_out.h5ad")], 2,
           "stores only 0 bytes", [tmp / "huge_out.h5ad"])
    # a PNG with damaged rows: libpng's raw line was printed once per spot beside stx's error
    from PIL import Image
    Image.open(image).crop((0, 0, 600, 600)).save(tmp / "whole.png")
    png = bytearray((tmp / "whole.png").read_bytes())
    for i in range(len(png) // 3, len(png) // 3 + 200):
        png[i] ^= 0x5A
    (tmp / "damaged.png").write_bytes(bytes(png))
    expect("damaged files", ["nuclei", str(tmp / "damaged.png"), "--um-per-px", "0.69", "-o", str(tmp / "n.tsv")], 2,
           "damaged.png: not a readable PNG (", [tmp / "n.tsv"])
    # pyramids whose tags lie (#32), made from the fixture as fuzz_pyramid's seeds edit it
    import struct
    real = (source / "tests" / "fixtures" / "pyramid_jpeg.tif").read_bytes()
    slots, ifd, directory = [], struct.unpack_from("<I", real, 4)[0], 0
    while ifd:  # the single-value SHORT and LONG entries: (directory, tag) -> (type, offset)
        n = struct.unpack_from("<H", real, ifd)[0]
        for e in range(n):
            tag, kind, count = struct.unpack_from("<HHI", real, ifd + 2 + 12 * e)
            if kind in (3, 4) and count == 1:
                slots.append(((directory, tag), kind, ifd + 2 + 12 * e + 8))
        ifd, directory = struct.unpack_from("<I", real, ifd + 2 + 12 * n)[0], directory + 1
    for name, edits, message in [
            ("tiles_65520", [(0, 322, 65520), (0, 323, 65520)], "TileWidth x TileLength 65520 x 65520"),
            ("tile_width_250", [(0, 322, 250)], "TileWidth x TileLength 250 x 128"),
            ("level1_larger", [(1, 256, 24464), (1, 257, 24464)], 'Incorrect count for "TileOffsets"'),
            ("offset_outside", [(1, 324, 10**9)], "tile 0 of 1 lies outside the file")]:
        lying = bytearray(real)
        for d, tag, value in edits:
            kind, at = next((k, a) for s, k, a in slots if s == (d, tag))
            struct.pack_into("<H" if kind == 3 else "<I", lying, at, value)
        (tmp / f"{name}.tif").write_bytes(bytes(lying))
        expect("pyramids", ["encode", str(tmp / f"{name}.tif"), "--um-per-px", "0.5", "--cache-dir",
                            str(tmp / "pc")], 2, f"{name}.tif: directory", [tmp / "pc"])
    sidecar = tmp / "sidecar.json"  # a TorchScript encoder's sidecar with a numeric name
    sidecar.write_text('{"name": 5, "input_size": 64, "mean": [0, 0, 0], "std": [1, 1, 1], "output": "mean"}')
    expect("damaged files", ["encode", str(image), "--um-per-px", "0.69", "--encoder", "torchscript", "--weights",
                             str(source / "tests" / "fixtures" / "torchscript" / "tiny_tokens.pt"),
                             "--encoder-config", str(sidecar), "--cache-dir", str(tmp / "c")], 2,
           "field 'name': expected a non-empty string")

    # --- a full disk: a 256 KiB tmpfs, mostly filled (needs root to mount, as CI runs) --------
    import subprocess
    full = tmp / "full"
    full.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(full)],
                      capture_output=True).returncode == 0:
        try:
            (full / "filler").write_bytes(bytes(200_000))
            # HDF5 segfaulted at exit after its failed write (exit 139) before main left by _Exit
            expect("full disk", ["ingest", str(demo), "--section", "B1", "-o", str(full / "b1.h5ad")], 2,
                   "cannot write", [full / "b1.h5ad"])
            # score wrote its TSV and then failed on the .h5ad: now neither appears
            expect("full disk", ["score", str(demo), "--section", "C2", "--tsv", str(tmp / "scores.tsv"),
                                 "-o", str(full / "scores.h5ad")], 2, "scores.h5ad",
                   [tmp / "scores.tsv", full / "scores.h5ad"])
            expect("full disk", ["domains", str(demo), "--sections", "B1", "-o", str(full / "dom")], 2,
                   "disk full", [full / "dom" / "domains.tsv", full / "dom" / "domains_B1.png"])
            # LibTorch's archive writer threw from its destructor (std::terminate, exit 134 and a
            # stack trace) before archives were written to memory and then through AtomicFile
            model = full / "model"
            expect("full disk", [*training[:-4], "--epochs", "2", "--ensemble", "1", "--out", str(model)], 2,
                   "cannot write", [model / "model.pt", model / "config.json"])
            c.check(not list(model.glob("*.tmp*")) and not list(model.glob(".*tmp*")),
                    f"train on a full disk left temporaries: {sorted(p.name for p in model.iterdir())}")
        finally:
            subprocess.run(["umount", str(full)], capture_output=True)
    else:
        print("full-disk cases not run: cannot mount a tmpfs here (needs root)")

    # --- a run folder whose metrics were cut short at a line boundary --------------------------
    run_folder = tmp / "run"
    run_folder.mkdir()
    header = "protocol\tfold\tmethod\tkind\ttarget\tpearson_r\tpartial_r_given_depth\tmse\n"
    rows = [f"leave one patient out\tB\t{m}\tpathway\tP{t}\t0.3\t0.1\t0.01\n"
            for m in ("ridge", "quadflow") for t in range(3)]
    (run_folder / "cv_metrics.tsv").write_text(header + "".join(rows[:-1]))
    expect("run folders", ["report", str(run_folder)], 2, "incomplete", [run_folder / "report.html"])
    (run_folder / "cv_metrics.tsv").write_text(header + "".join(rows))
    r = run(stx, "-q", "report", str(run_folder))
    c.check(r.returncode == 0 and (run_folder / "report.html").exists(), f"the whole metrics report: {r.stderr}")
    (run_folder / "report.html").unlink()
    (run_folder / "domains").mkdir()  # random bytes as a domains table were rendered as a table
    (run_folder / "domains" / "domains_metrics.tsv").write_bytes(np.random.default_rng(5).bytes(4096))
    expect("run folders", ["report", str(run_folder)], 2, "domains_metrics.tsv:", [run_folder / "report.html"])

    # valid input once refused: a dataset section cut into stripes (the counts-file form worked)
    r = run(stx, "-q", "evaluate", str(demo), "--sections", "C2", "--spatial-folds", "3", "--epochs", "2",
            "--ensemble", "1", "--threads", "2", "-o", str(tmp / "stripes"))
    folds = set(line.split("\t")[1] for line in (tmp / "stripes" / "cv_metrics.tsv").read_text().splitlines()[1:]) \
        if r.returncode == 0 else set()
    c.check(folds == {"C2:1/3", "C2:2/3", "C2:3/3"}, f"evaluate DATASET --sections C2 --spatial-folds 3: {folds} {r.stderr}")

    valid = tmp / "valid.h5ad"
    small_slide().write_h5ad(valid)
    r = run(stx, "ingest", str(valid), "-o", str(out))
    c.check(r.returncode == 0 and out.exists(), f"the valid control slide reads: {r.returncode} {r.stderr}")

print(f"  {'category':<14} {'cases':>5} " + " ".join(f"{o:>14}" for o in OUTCOMES))
for category, counts in tally.items():
    print(f"  {category:<14} {sum(counts.values()):>5} " + " ".join(f"{counts[o]:>14}" for o in OUTCOMES))
c.finish()
