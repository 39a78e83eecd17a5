// stx view: the H&E as a deep-zoom pyramid (OpenSeadragon) and every spot or cell drawn above
// it on a canvas, coloured by the layer picked. data.js sets window.STX_VIEW (see
// src/outputs/viewer_data.cpp); each layer's values arrive as values/<k>.js when first picked.
// Everything loads from this folder: no server, no network.
"use strict";
(function () {
  const data = window.STX_VIEW;
  const $ = (id) => document.getElementById(id);
  const bytes = (b64) => {
    const s = atob(b64), out = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  };
  const xs = new Float32Array(bytes(data.x)), ys = new Float32Array(bytes(data.y));
  const missing = 65535, steps = 65534;

  // --- layers and their values --------------------------------------------------------------
  const values = {}, waiting = {};
  window.STX_VIEW_VALUES = function (k, b64) {
    values[k] = new Uint16Array(bytes(b64));
    (waiting[k] || []).forEach((then) => then());
    delete waiting[k];
  };
  function withValues(k, then) {
    if (values[k]) return then();
    if (waiting[k]) return waiting[k].push(then);
    waiting[k] = [then];
    const script = document.createElement("script");
    script.src = data.layers[k].file;
    document.body.appendChild(script);
  }
  const layerOf = {};
  data.layers.forEach((l, k) => (layerOf[l.source + "\t" + l.name] = k));
  const names = [...new Set(data.layers.map((l) => l.name))];
  const kindOf = {};
  data.layers.forEach((l) => (kindOf[l.name] = l.kind));
  function resolve(name) {
    if (!name) return null;
    const want = name.toUpperCase();
    return names.find((n) => n.toUpperCase() === want) || names.find((n) => n.toUpperCase() === "HALLMARK_" + want) || null;
  }

  const state = { name: names[0] || null, source: "predicted", domains: false, opacity: 0.85 };
  let view = null;  // {zoom, x, y} from the address, applied once the image is open

  function readAddress() {
    const p = new URLSearchParams(location.hash.slice(1));
    const name = resolve(p.get("pathway") || p.get("gene") || p.get("layer"));
    if (name) state.name = name;
    if (p.get("source") === "measured" || p.get("source") === "predicted") state.source = p.get("source");
    state.domains = p.get("domains") === "1" && !!data.domains;
    if (p.has("opacity") && isFinite(+p.get("opacity"))) state.opacity = Math.min(1, Math.max(0, +p.get("opacity")));
    if (p.has("zoom")) view = { zoom: +p.get("zoom"), x: +(p.get("x") || 0.5), y: +(p.get("y") || 0.5) };
  }
  function writeAddress() {
    const p = new URLSearchParams();
    if (state.name) p.set(kindOf[state.name] === "gene" ? "gene" : "pathway", state.name.replace(/^HALLMARK_/, ""));
    if (state.source !== "predicted") p.set("source", state.source);
    if (state.domains) p.set("domains", "1");
    p.set("opacity", state.opacity);
    if (viewer.world.getItemCount()) {
      const c = viewer.viewport.getCenter();
      p.set("zoom", viewer.viewport.getZoom().toFixed(3));
      p.set("x", c.x.toFixed(5));
      p.set("y", c.y.toFixed(5));
    }
    history.replaceState(null, "", "#" + p.toString());
  }

  // --- the image -----------------------------------------------------------------------------
  const viewer = OpenSeadragon({
    id: "osd", prefixUrl: "", showNavigationControl: false, drawer: "canvas", maxZoomPixelRatio: 4,
    visibilityRatio: 0.3, crossOriginPolicy: false,
    tileSources: { Image: { xmlns: "http://schemas.microsoft.com/deepzoom/2008", Url: data.image.url, Format: "jpg",
      Overlap: String(data.image.overlap), TileSize: String(data.image.tile),
      Size: { Width: String(data.image.width), Height: String(data.image.height) } } },
  });
  let imageLoaded = false;
  window.stxViewer = viewer;  // for the browser's console (and tests/cli/view_test.py)

  // --- the overlay ---------------------------------------------------------------------------
  const canvas = $("overlay"), ctx = canvas.getContext("2d");
  let buckets = null, palette = null;  // spots grouped by colour, and the colours
  function current() {
    const k = layerOf[state.source + "\t" + state.name];
    return k === undefined ? layerOf["predicted\t" + state.name] : k;
  }
  function colourSpots(then) {
    if (state.domains) {
      const codes = new Uint16Array(bytes(data.domains.codes));
      palette = data.domains.colours;
      buckets = palette.map(() => []);
      for (let i = 0; i < codes.length; i++) if (codes[i] !== missing) buckets[codes[i]].push(i);
      return then();
    }
    const k = current();
    if (k === undefined) { buckets = null; return then(); }
    withValues(k, () => {
      const l = data.layers[k], q = values[k], span = l.p99 - l.p1 || 1;
      palette = data.viridis;
      buckets = palette.map(() => []);
      for (let i = 0; i < q.length; i++) {
        if (q[i] === missing) continue;
        const v = l.lo + (q[i] / steps) * (l.hi - l.lo);
        buckets[Math.round(Math.min(1, Math.max(0, (v - l.p1) / span)) * 255)].push(i);
      }
      then();
    });
  }
  function spotRadius(scale) {
    const diameter = data.spot_diameter_px > 0 ? data.spot_diameter_px : data.um_per_px > 0 ? 10 / data.um_per_px : 8;
    return (diameter / 2) * scale;
  }
  // Colours as packed RGBA words (little-endian, as ImageData's bytes) for the pixel path.
  const packed = (hex) => 0xff000000 | (parseInt(hex.slice(5, 7), 16) << 16) | (parseInt(hex.slice(3, 5), 16) << 8) |
    parseInt(hex.slice(1, 3), 16);
  let pixels = null;  // an offscreen canvas for points smaller than a pixel or two
  function draw() {
    const el = $("osd");
    if (canvas.width !== el.clientWidth || canvas.height !== el.clientHeight) {
      canvas.width = el.clientWidth;
      canvas.height = el.clientHeight;
    }
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const image = viewer.world.getItemAt(0);
    if (!buckets || !image) return;
    const a = image.imageToViewerElementCoordinates(new OpenSeadragon.Point(0, 0));
    const b = image.imageToViewerElementCoordinates(new OpenSeadragon.Point(1000, 1000));
    const sx = (b.x - a.x) / 1000, sy = (b.y - a.y) / 1000, r = Math.max(1, spotRadius(sx));
    const w = canvas.width, h = canvas.height;
    ctx.globalAlpha = state.opacity;
    if (r < 1.5) {  // a whole slide of cells: one pixel-sized square per point, written as pixels
      if (!pixels || pixels.width !== w || pixels.height !== h) {
        pixels = document.createElement("canvas");
        pixels.width = w;
        pixels.height = h;
      }
      const pctx = pixels.getContext("2d"), frame = pctx.createImageData(w, h);
      const words = new Uint32Array(frame.data.buffer);
      buckets.forEach((spots, c) => {
        const colour = packed(palette[c]);
        for (const i of spots) {
          const px = (a.x + xs[i] * sx) | 0, py = (a.y + ys[i] * sy) | 0;
          if (px < 0 || py < 0 || px >= w - 1 || py >= h - 1) continue;
          const k = py * w + px;
          words[k] = words[k + 1] = words[k + w] = words[k + w + 1] = colour;  // 2 x 2 px
        }
      });
      pctx.putImageData(frame, 0, 0);
      ctx.drawImage(pixels, 0, 0);
    } else {
      buckets.forEach((spots, c) => {
        if (!spots.length) return;
        ctx.fillStyle = palette[c];
        ctx.beginPath();
        for (const i of spots) {
          const px = a.x + xs[i] * sx, py = a.y + ys[i] * sy;
          if (px < -r || py < -r || px > w + r || py > h + r) continue;
          ctx.moveTo(px + r, py);
          ctx.arc(px, py, r, 0, 2 * Math.PI);
        }
        ctx.fill();
      });
    }
    ctx.globalAlpha = 1;
  }
  // OpenSeadragon reports many viewport updates per frame while it animates or loads tiles:
  // draw once per frame
  let frameAsked = false;
  function drawSoon() {
    if (frameAsked) return;
    frameAsked = true;
    requestAnimationFrame(() => { frameAsked = false; draw(); });
  }

  // --- the panel -----------------------------------------------------------------------------
  const list = $("layers");
  function fillList(filter) {
    const f = (filter || "").toUpperCase();
    list.innerHTML = "";
    for (const name of names) {
      if (f && !name.toUpperCase().includes(f)) continue;
      const o = document.createElement("option");
      o.value = name;
      o.textContent = name.replace(/^HALLMARK_/, "") + (kindOf[name] === "gene" ? " (gene)" : "");
      o.selected = name === state.name;
      list.appendChild(o);
    }
  }
  function legend() {
    const k = current(), bar = $("colourbar").getContext("2d");
    $("legend-domains").innerHTML = "";
    $("colourbar").style.display = $("legend-ticks").style.display = state.domains ? "none" : "";
    if (state.domains) {
      $("legend-title").textContent = "Domains";
      $("legend-units").textContent = "";
      data.domains.names.forEach((name, c) => {
        const li = document.createElement("li");
        li.innerHTML = '<span style="background:' + data.domains.colours[c] + '"></span>';
        li.appendChild(document.createTextNode(name));
        $("legend-domains").appendChild(li);
      });
      return;
    }
    if (k === undefined) return;
    const l = data.layers[k];
    for (let x = 0; x < 240; x++) { bar.fillStyle = data.viridis[Math.round((x / 239) * 255)]; bar.fillRect(x, 0, 1, 14); }
    $("legend-title").textContent = l.name + " (" + l.source + ")";
    $("legend-lo").textContent = "\u2264 " + l.p1.toPrecision(3);
    $("legend-hi").textContent = "\u2265 " + l.p99.toPrecision(3);
    $("legend-units").textContent = l.units + (l.missing ? "; " + l.missing + " spots without a value" : "");
  }
  function syncControls() {
    const hasMeasured = layerOf["measured\t" + state.name] !== undefined;
    document.querySelectorAll('input[name="source"]').forEach((r) => {
      r.checked = r.value === (hasMeasured ? state.source : "predicted");
      r.disabled = r.value === "measured" && !hasMeasured;
    });
    $("sources").style.display = data.layers.some((l) => l.source === "measured") ? "" : "none";
    $("domains-toggle").style.display = data.domains ? "" : "none";
    $("domains").checked = state.domains;
    $("opacity").value = state.opacity;
    $("opacity-value").textContent = Math.round(state.opacity * 100) + " %";
    for (const o of list.options) o.selected = o.value === state.name;
  }
  function update() {
    document.body.dataset.ready = "0";
    syncControls();
    legend();
    colourSpots(() => { draw(); writeAddress(); markReady(); });
  }
  // data-ready="1" once the tiles of the view and the layer's values are in and drawn
  function markReady() {
    if (imageLoaded && (buckets || state.domains || current() === undefined)) {
      draw();
      document.body.dataset.ready = "1";
    }
  }
  function pick(name) { if (name) { state.name = name; state.domains = false; update(); } }
  $("search").addEventListener("input", (e) => fillList(e.target.value));
  $("search").addEventListener("keydown", (e) => { if (e.key === "Enter" && list.options.length) pick(list.options[0].value); });
  list.addEventListener("change", () => pick(list.value));
  document.querySelectorAll('input[name="source"]').forEach((r) => r.addEventListener("change", () => { state.source = r.value; update(); }));
  $("domains").addEventListener("change", (e) => { state.domains = e.target.checked; update(); });
  $("opacity").addEventListener("input", (e) => { state.opacity = +e.target.value; syncControls(); draw(); writeAddress(); });
  window.addEventListener("hashchange", () => { readAddress(); applyView(); fillList($("search").value); update(); });

  // hover: the nearest spot under the pointer and its value
  $("osd").addEventListener("mousemove", (e) => {
    const image = viewer.world.getItemAt(0), k = current();
    if (!image || k === undefined || !values[k]) return;
    const rect = $("osd").getBoundingClientRect();
    const p = image.viewerElementToImageCoordinates(new OpenSeadragon.Point(e.clientX - rect.left, e.clientY - rect.top));
    const r = spotRadius(1);
    let best = -1, bestD = r * r;
    for (let i = 0; i < xs.length; i++) {
      const d = (xs[i] - p.x) ** 2 + (ys[i] - p.y) ** 2;
      if (d <= bestD) { best = i; bestD = d; }
    }
    if (best < 0) { $("hover").textContent = ""; return; }
    const l = data.layers[k], q = values[k][best];
    $("hover").textContent = data.spot_ids[best] + ": " + l.name + " " +
      (q === missing ? "no value" : (l.lo + (q / steps) * (l.hi - l.lo)).toPrecision(4));
  });

  function applyView() {
    if (!view || !viewer.world.getItemCount()) return;
    viewer.viewport.zoomTo(view.zoom, null, true);
    viewer.viewport.panTo(new OpenSeadragon.Point(view.x, view.y), true);
    view = null;
  }
  viewer.addHandler("open", () => {
    applyView();
    const image = viewer.world.getItemAt(0);
    image.addHandler("fully-loaded-change", (e) => { imageLoaded = e.fullyLoaded; if (imageLoaded) markReady(); else document.body.dataset.ready = "0"; });
    update();
  });
  viewer.addHandler("update-viewport", drawSoon);
  viewer.addHandler("animation-finish", writeAddress);
  viewer.addHandler("resize", drawSoon);

  $("title").textContent = data.slide + " \u00b7 " + data.spots.toLocaleString("en") + " " + (data.objects || "spots");
  readAddress();
  fillList("");
  syncControls();
})();
