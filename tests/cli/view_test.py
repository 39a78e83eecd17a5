"""`stx view` (#29 item 2) used as a person would, in headless Chromium: the shipped model's
prediction of demo section B4 with its measured scores beside it. The folder opens from disk and
asks for nothing outside itself; a pathway picked through the URL and another typed into the
page's own search box each colour the spots by their own values (Spearman of the pixels at the
spots' centres with the values > 0.9), the measured toggle shows the measured scores, and with
the overlay off the page shows the H&E where the slide has it (the screen against the source
JPEG at the same image points). A prediction from the H&E alone (pseudo-spots over the tissue,
as of a whole slide) opens and colours the same way. The tile pyramid and every layer's values are checked against
the source image and the .h5ad files (anndata, NumPy). Bad requests fail in one line.

Usage: view_test.py STX SHARED_DATA SOURCE_DIR
"""
import base64
import json
import math
import pathlib
import sys
import tempfile

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import anndata
import numpy as np
from PIL import Image
from scipy.stats import pearsonr, spearmanr
from common import Checks, run
from chromium_cdp import Page

stx, source = sys.argv[1], pathlib.Path(sys.argv[3])
c = Checks("view")
demo = str(source / "demo" / "her2st")
Image.MAX_IMAGE_PIXELS = None


def dense(x):
    return np.asarray(x.toarray() if hasattr(x, "toarray") else x, dtype=float)


def manifest(folder):
    text = (folder / "data.js").read_text()
    return json.loads(text[len("window.STX_VIEW = "):-2])


def layer_values(folder, m, k):
    text = (folder / m["layers"][k]["file"]).read_text()
    q = np.frombuffer(base64.b64decode(text.split('"')[1]), dtype="<u2").astype(float)
    lo, hi = m["layers"][k]["lo"], m["layers"][k]["hi"]
    return np.where(q == 65535, np.nan, lo + q / 65534 * (hi - lo))


with tempfile.TemporaryDirectory() as tmp:
    tmp = pathlib.Path(tmp)
    common = ["--section", "B4", "--cache-dir", str(tmp / "cache"), "--threads", "1"]
    r = run(stx, "predict", demo, *common, "-o", str(tmp / "b4.h5ad"))
    c.check(r.returncode == 0, f"stx predict: {r.stderr}")
    r = run(stx, "score", demo, "--section", "B4", "-o", str(tmp / "b4_measured.h5ad"))
    c.check(r.returncode == 0, f"stx score: {r.stderr}")
    view = tmp / "view"
    r = run(stx, "view", str(tmp / "b4.h5ad"), "--measured", str(tmp / "b4_measured.h5ad"), "-o", str(view), "--threads", "1")
    c.check(r.returncode == 0 and "index.html" in r.stdout, f"stx view: {r.stderr}")

    r = run(stx, "predict", str(pathlib.Path(demo) / "images" / "B4.jpg"), "--um-per-px", "0.6878", "--cache-dir",
            str(tmp / "cache"), "--threads", "1", "-o", str(tmp / "b4_image_only.h5ad"))
    c.check(r.returncode == 0, f"stx predict on the image alone: {r.stderr}")
    r = run(stx, "view", str(tmp / "b4_image_only.h5ad"), "-o", str(tmp / "view_image_only"), "--threads", "1")
    c.check(r.returncode == 0, f"stx view of the image-only prediction: {r.stderr}")

    # --- the folder against its sources ---------------------------------------------------------
    m = manifest(view)
    predicted, measured = anndata.read_h5ad(tmp / "b4.h5ad"), anndata.read_h5ad(tmp / "b4_measured.h5ad")
    names = [str(x) for x in predicted.uns["pathway_names"]]
    layers = {(l["source"], l["name"]): k for k, l in enumerate(m["layers"])}
    c.check(m["spots"] == predicted.n_obs == 283 and len(names) == 50, "283 spots, 50 pathways")
    c.check(sum(l["source"] == "predicted" for l in m["layers"]) == 50 + predicted.n_vars, "every predicted pathway and gene")
    worst = 0.0
    for p, name in enumerate(names):
        for src, truth in [("predicted", np.asarray(predicted.obsm["pathway_activity"])[:, p]),
                           ("measured", np.asarray(measured.obsm["pathway_activity"])[:, list(measured.uns["pathway_names"]).index(name)])]:
            k = layers[(src, name)]
            got, span = layer_values(view, m, k), m["layers"][k]["hi"] - m["layers"][k]["lo"]
            worst = max(worst, np.max(np.abs(got - truth)) / max(span, 1e-12))
            lo1, hi99 = np.percentile(truth, [1, 99])
            c.check(abs(m["layers"][k]["p1"] - lo1) < 1e-5 + 1e-4 * abs(lo1) and abs(m["layers"][k]["p99"] - hi99) < 1e-5 + 1e-4 * abs(hi99),
                    f"{src} {name}: colour scale {m['layers'][k]['p1']}..{m['layers'][k]['p99']} vs NumPy {lo1}..{hi99}")
    c.check(worst <= 1.0 / 65534 + 1e-6, f"values within one 16-bit step of the .h5ad's: worst {worst * 65534:.2f} steps")
    gene = str(predicted.var_names[0])
    got = layer_values(view, m, layers[("predicted", gene)])
    c.check(np.allclose(got, dense(predicted[:, gene].X).ravel(), atol=(np.ptp(got) + 1e-9) / 65534 * 1.01), f"gene {gene}")
    counts = dense(measured.X)
    cp10k = np.log1p(counts / counts.sum(1, keepdims=True) * 1e4)
    gi = list(measured.var_names).index(gene) if gene in list(measured.var_names) else None
    if gi is not None:
        got = layer_values(view, m, layers[("measured", gene)])
        c.check(np.allclose(got, cp10k[:, gi], atol=np.ptp(cp10k[:, gi]) / 65534 * 1.01 + 1e-6), f"measured {gene}: log1p CP10k")

    source_image = Image.open(str(pathlib.Path(demo) / "images" / "B4.jpg")).convert("RGB")
    width, height = source_image.size
    levels = math.ceil(math.log2(max(width, height))) + 1
    top = view / "slide_files" / str(levels - 1)
    c.check(m["image"]["width"] == width and len(list(top.iterdir())) == math.ceil(width / 254) * math.ceil(height / 254),
            f"top level: {len(list(top.iterdir()))} tiles for {width} x {height}")
    tile = np.asarray(Image.open(top / "3_2.jpg").convert("RGB"), dtype=float)
    crop = np.asarray(source_image.crop((3 * 254 - 1, 2 * 254 - 1, 3 * 254 - 1 + tile.shape[1], 2 * 254 - 1 + tile.shape[0])), dtype=float)
    c.check(tile.shape == (256, 256, 3) and np.abs(tile - crop).mean() < 4, f"tile 3_2 against the JPEG: {np.abs(tile - crop).mean():.2f}")

    # --- in the browser -------------------------------------------------------------------------
    page = Page()
    try:
        page.send("Network.enable")
        page.send("Page.enable")
        url = (view / "index.html").as_uri()
        box = None

        def open_view(fragment):
            if box is not None:  # the page is open: a new fragment is a hashchange, as a shared link pasted
                page.evaluate("document.body.dataset.ready = '0'")
            page.send("Page.navigate", url=url + "#" + fragment)
            ok = page.wait_for("document.body && document.body.dataset.ready === '1' && window.stxViewer && "
                               "stxViewer.world.getItemAt(0) && stxViewer.world.getItemAt(0).getFullyLoaded()")
            return ok

        def centres(zoom, cx, cy, xs, ys):
            """Where image points land on the screen for a view centred on image point (cx, cy)."""
            scale = zoom * box["width"] / width
            return box["x"] + box["width"] / 2 + (xs - cx) * scale, box["y"] + box["height"] / 2 + (ys - cy) * scale

        def colours_at(shot, sx, sy):
            pixels = np.asarray(shot, dtype=float)
            return np.array([pixels[int(round(y)) - 1:int(round(y)) + 2, int(round(x)) - 1:int(round(x)) + 2].mean((0, 1))
                             for x, y in zip(sx, sy)])

        px, py = np.asarray(predicted.obsm["spatial"], dtype=float).T
        cx, cy = width / 2, height / 2
        fit = f"zoom=1&x=0.5&y={cy / width:.6f}"
        c.check(open_view(f"pathway=HYPOXIA&opacity=1&{fit}"), "the page did not get ready (pathway from the URL)")
        box = page.evaluate("(() => { const r = document.getElementById('osd').getBoundingClientRect();"
                            " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()")
        shot_a = page.screenshot()

        def follows(shot, values, what, xs=None, ys=None):
            sx, sy = centres(1, cx, cy, px if xs is None else xs, py if ys is None else ys)
            luminance = colours_at(shot, sx, sy) @ np.array([0.2126, 0.7152, 0.0722])
            rho = spearmanr(luminance, values).correlation  # viridis brightens with the value
            c.check(rho > 0.9, f"{what}: the spots' colours do not follow the values (Spearman {rho:.3f})")
            print(f"{what}: Spearman {rho:.3f} of the spots' screen luminance with their values")
            return luminance

        hypoxia = np.asarray(predicted.obsm["pathway_activity"])[:, names.index("HALLMARK_HYPOXIA")]
        glycolysis = np.asarray(predicted.obsm["pathway_activity"])[:, names.index("HALLMARK_GLYCOLYSIS")]
        lum_a = follows(shot_a, hypoxia, "HYPOXIA from the URL")
        # the page's own search box: type, Enter picks the first match
        page.evaluate("document.getElementById('search').focus()")
        page.type("glycolysis")
        page.press_enter()
        c.check(page.wait_for("location.hash.includes('pathway=GLYCOLYSIS') && document.body.dataset.ready === '1'"),
                f"typing GLYCOLYSIS did not pick it: {page.evaluate('location.hash')}")
        shot_b = page.screenshot()
        lum_b = follows(shot_b, glycolysis, "GLYCOLYSIS from the search box")
        c.check(np.abs(lum_a - lum_b).mean() > 5, "the two pathways look the same")
        # zoomed far out, spots under a pixel or two are written as 2 x 2 px squares: the pixel at
        # each spot's centre holds its colour
        c.check(open_view(f"pathway=HYPOXIA&opacity=1&zoom=0.1&x=0.5&y={cy / width:.6f}"), "zoomed out: not ready")
        sx, sy = centres(0.1, cx, cy, px, py)
        pixels = np.asarray(page.screenshot(), dtype=float)
        exact = pixels[np.floor(sy).astype(int), np.floor(sx).astype(int)] @ np.array([0.2126, 0.7152, 0.0722])
        rho = spearmanr(exact, hypoxia).correlation
        print(f"HYPOXIA zoomed out to 2 x 2 px squares: Spearman {rho:.3f}")
        c.check(rho > 0.9, f"zoomed out: the squares' colours do not follow the values (Spearman {rho:.3f})")
        c.check(open_view(f"pathway=HYPOXIA&source=measured&opacity=1&{fit}"), "measured: not ready")
        follows(page.screenshot(), np.asarray(measured.obsm["pathway_activity"])[:, list(measured.uns["pathway_names"]).index("HALLMARK_HYPOXIA")],
                "HYPOXIA measured")

        # the overlay off, zoomed in on a spot: the screen shows the H&E at the same image points
        i = int(np.argmax(hypoxia))
        zoom = 6
        c.check(open_view(f"pathway=HYPOXIA&opacity=0&zoom={zoom}&x={px[i] / width:.6f}&y={py[i] / width:.6f}"), "zoomed: not ready")
        shot = page.screenshot()
        grid = np.array([(dx, dy) for dx in np.linspace(-0.4, 0.4, 9) for dy in np.linspace(-0.4, 0.4, 7)])
        gx = px[i] + grid[:, 0] * box["width"] * width / (zoom * box["width"])
        gy = py[i] + grid[:, 1] * box["height"] * width / (zoom * box["width"])
        sx, sy = centres(zoom, px[i], py[i], gx, gy)
        screen = colours_at(shot, sx, sy) @ np.array([0.299, 0.587, 0.114])
        he = np.asarray(source_image.convert("L"), dtype=float)
        tissue = np.array([he[int(y) - 2:int(y) + 3, int(x) - 2:int(x) + 3].mean() for x, y in zip(gx, gy)])
        r = pearsonr(screen, tissue)[0]
        print(f"overlay off, zoom {zoom}: screen against the JPEG at {len(gx)} image points: r {r:.3f}, "
              f"mean |diff| {np.abs(screen - tissue).mean():.1f} grey levels")
        c.check(r > 0.8 and np.abs(screen - tissue).mean() < 25, f"the H&E on screen is not the slide's there: r {r:.3f}, "
                                                                   f"mean |diff| {np.abs(screen - tissue).mean():.1f}")
        # a prediction from the H&E alone (pseudo-spots over the tissue), as of a whole slide
        wsi = anndata.read_h5ad(tmp / "b4_image_only.h5ad")
        url = (tmp / "view_image_only" / "index.html").as_uri()
        box = None
        c.check(open_view(f"pathway=HYPOXIA&opacity=1&{fit}"), "image only: the page did not get ready")
        box = page.evaluate("(() => { const r = document.getElementById('osd').getBoundingClientRect();"
                            " return {x: r.x, y: r.y, width: r.width, height: r.height}; })()")
        wx, wy = np.asarray(wsi.obsm["spatial"], dtype=float).T
        follows(page.screenshot(), np.asarray(wsi.obsm["pathway_activity"])[:, names.index("HALLMARK_HYPOXIA")],
                f"HYPOXIA on {wsi.n_obs} pseudo-spots of the H&E alone", wx, wy)
        urls = page.requested_urls()
        outside = [u for u in urls if not any(u.startswith(folder.as_uri() + "/") or u.startswith("data:")
                                              for folder in (view, tmp / "view_image_only"))]
        c.check(len(urls) > 20 and not outside, f"{len(urls)} requests, outside the folder: {outside[:3]}")
    finally:
        page.close()

    # --- bad requests ---------------------------------------------------------------------------------
    r = run(stx, "view", str(tmp / "b4.h5ad"), "-o", str(view))
    c.check(r.returncode == 1 and "--force" in r.stderr, "an existing view is kept without --force")
    for args, words in [([str(tmp / "missing.h5ad")], "missing.h5ad"), ([str(tmp)], "expected one *_predicted.h5ad"),
                        ([str(tmp / "b4.h5ad"), "--domains", str(tmp / "b4.h5ad")], "b4.h5ad: not a text table")]:
        r = run(stx, "view", *args, "-o", str(tmp / "bad"))
        c.check(r.returncode in (1, 2) and words in r.stderr and len(r.stderr.strip().splitlines()) == 1 and not (tmp / "bad").exists(),
                f"{args}: rc {r.returncode}, {r.stderr!r}")
c.finish()
