/*
 * geo maps labels: names beside the markers, and faint names of the reference places around them,
 * placed where there is room.
 *
 * After every zoom or move the candidates in view are sorted, the places on the map first and, among
 * them, bigger places (a city before a quarter) and more mentioned ones first; the reference names
 * come after. Each label tries four spots around its point (right, left, above, below) and takes
 * the first that leaves the view free of overlap with the labels already placed and with the
 * markers. Labels are plain text nodes (never HTML), in a pane of their own that moves with the map.
 */
window.geoLabeller = (function () {
  "use strict";

  var GAP = 3;
  var PAD = 2;
  /* At most this many labels at a time: beyond it a screen is text, not a map. */
  var MAX_LABELS = 400;

  function Labeller(context) {
    var map = context.map;
    this.context = context;
    this.map = map;
    this.pane = map.createPane("geoLabels");
    this.pane.style.zIndex = 590; /* above the outlines and reference dots, below markers (600) */
    this.pane.style.pointerEvents = "none";
    this.root = L.DomUtil.create("div", "geo-labels", this.pane);
    this.canvas = document.createElement("canvas").getContext("2d");
    this.widths = {};
    this.placed = [];
    this.pending = false;
    this.done = false;
    var self = this;
    map.on("zoomstart", function () {
      self.root.style.display = "none";
      self.done = false;
    });
    map.on("zoomend moveend resize overlayadd overlayremove", function () {
      self.schedule();
    });
  }

  Labeller.prototype.schedule = function () {
    var self = this;
    this.done = false;
    if (this.pending) {
      return;
    }
    this.pending = true;
    requestAnimationFrame(function () {
      self.pending = false;
      self.update();
    });
  };

  Labeller.prototype.width = function (text, font) {
    var key = font + "\u0000" + text;
    if (!(key in this.widths)) {
      this.canvas.font = font;
      this.widths[key] = Math.ceil(this.canvas.measureText(text).width);
    }
    return this.widths[key];
  };

  function overlaps(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  /* A grid of the boxes placed, so that each test looks at its neighbours only. */
  function Grid(cell) {
    this.cell = cell;
    this.cells = {};
  }

  Grid.prototype.keys = function (box) {
    var keys = [];
    for (var x = Math.floor(box.left / this.cell); x <= Math.floor(box.right / this.cell); x++) {
      for (var y = Math.floor(box.top / this.cell); y <= Math.floor(box.bottom / this.cell); y++) {
        keys.push(x + ":" + y);
      }
    }
    return keys;
  };

  Grid.prototype.free = function (box, except) {
    var keys = this.keys(box);
    for (var i = 0; i < keys.length; i++) {
      var list = this.cells[keys[i]];
      if (!list) {
        continue;
      }
      for (var j = 0; j < list.length; j++) {
        if (list[j] !== except && overlaps(box, list[j])) {
          return false;
        }
      }
    }
    return true;
  };

  Grid.prototype.add = function (box) {
    var keys = this.keys(box);
    for (var i = 0; i < keys.length; i++) {
      (this.cells[keys[i]] = this.cells[keys[i]] || []).push(box);
    }
  };

  /* The markers drawn (not inside a cluster), with their boxes in container pixels. */
  Labeller.prototype.markers = function () {
    var found = [];
    var origin = this.map.getContainer().getBoundingClientRect();
    var layers = this.context.layers;
    Object.keys(layers).forEach(function (key) {
      var layer = layers[key];
      if (!layer.filled) {
        return;
      }
      Object.keys(layer.markers).forEach(function (id) {
        var marker = layer.markers[id];
        var icon = marker._icon;
        if (!icon || !icon.parentNode || icon.style.opacity === "0") {
          return;
        }
        var r = icon.getBoundingClientRect();
        found.push({ marker: marker, key: key, box: { left: r.left - origin.left, top: r.top - origin.top,
          right: r.right - origin.left, bottom: r.bottom - origin.top } });
      });
    });
    return found;
  };

  Labeller.prototype.update = function () {
    var context = this.context;
    var map = this.map;
    var F = context.fields;
    var size = map.getSize();
    var view = { left: 0, top: 0, right: size.x, bottom: size.y };
    var zoom = map.getZoom();
    var grid = new Grid(64);
    var candidates = [];
    var seen = {};
    var drawn = this.markers();
    drawn.forEach(function (item) {
      grid.add(item.box);
    });
    /* A label under the title, the legend, a button or a cluster's icon could not be read. */
    var origin = map.getContainer().getBoundingClientRect();
    map.getContainer().querySelectorAll(".leaflet-control, .geo-cluster").forEach(function (control) {
      var r = control.getBoundingClientRect();
      if (r.width && r.height) {
        grid.add({ left: r.left - origin.left, top: r.top - origin.top, right: r.right - origin.left,
          bottom: r.bottom - origin.top });
      }
    });
    drawn.forEach(function (item) {
      var row = item.marker.geoRow;
      if (seen[row[F.ID]]) {
        return; /* one label per place, whatever the number of its layers */
      }
      seen[row[F.ID]] = true;
      seen["name:" + row[F.AR]] = true;
      var total = row[F.COUNTS].reduce(function (a, b) { return a + b; }, 0);
      candidates.push({ kind: "place", id: row[F.ID], ar: row[F.AR], en: row[F.EN], box: item.box,
        order: [0, row[F.RANK], -total] });
    });
    if (context.reference && map.hasLayer(context.reference)) {
      var bounds = map.getBounds().pad(0.05);
      var rows = context.data.reference || [];
      for (var i = 0; i < rows.length; i++) {
        var ref = rows[i];
        /* [name_ar, name_en, lat, lon, min_zoom, max_zoom, rank, kind]: kind 1 is a country name,
           written across its label point without a dot. */
        if (ref[4] > zoom || ref[5] < zoom || !bounds.contains([ref[2], ref[3]])) {
          continue;
        }
        if (seen["name:" + ref[0]]) {
          continue; /* a country on the map as a marker has its label there */
        }
        var p = map.latLngToContainerPoint([ref[2], ref[3]]);
        var country = ref[7] === 1;
        candidates.push({ kind: country ? "country" : "reference", id: "ref-" + i, ar: ref[0], en: "",
          order: [1, ref[6], i], point: country ? null : p,
          box: country ? { left: p.x, top: p.y, right: p.x, bottom: p.y }
            : { left: p.x - 2, top: p.y - 2, right: p.x + 2, bottom: p.y + 2 } });
      }
    }
    candidates.sort(function (a, b) {
      for (var k = 0; k < a.order.length; k++) {
        if (a.order[k] !== b.order[k]) {
          return a.order[k] - b.order[k];
        }
      }
      return 0;
    });
    var placed = [];
    var fontAr = context.labelFonts.ar;
    var fontEn = context.labelFonts.en;
    var fontRef = context.labelFonts.reference;
    for (var c = 0; c < candidates.length && placed.length < MAX_LABELS; c++) {
      var cand = candidates[c];
      var place = cand.kind === "place";
      var width = place ? Math.max(this.width(cand.ar, fontAr), cand.en ? this.width(cand.en, fontEn) : 0)
        : this.width(cand.ar, cand.kind === "country" ? context.labelFonts.country : fontRef);
      var height = place ? (cand.en ? 30 : 17) : cand.kind === "country" ? 18 : 15;
      width += 2 * PAD;
      var b = cand.box;
      var midY = (b.top + b.bottom) / 2;
      var midX = (b.left + b.right) / 2;
      var spots = cand.kind === "country" ? [{ left: midX - width / 2, top: midY - height / 2 }] : [
        { left: b.right + GAP, top: midY - height / 2 },
        { left: b.left - GAP - width, top: midY - height / 2 },
        { left: midX - width / 2, top: b.top - GAP - height },
        { left: midX - width / 2, top: b.bottom + GAP }
      ];
      for (var s = 0; s < spots.length; s++) {
        var box = { left: spots[s].left, top: spots[s].top, right: spots[s].left + width, bottom: spots[s].top + height };
        if (box.left < view.left || box.top < view.top || box.right > view.right || box.bottom > view.bottom) {
          continue;
        }
        if (!grid.free(box, place ? b : null)) {
          continue;
        }
        grid.add(box);
        placed.push({ cand: cand, box: box });
        break;
      }
    }
    this.draw(placed);
    this.placed = placed;
    this.done = true;
  };

  Labeller.prototype.draw = function (placed) {
    var map = this.map;
    var root = this.root;
    while (root.firstChild) {
      root.removeChild(root.firstChild);
    }
    root.style.display = "";
    var fragment = document.createDocumentFragment();
    placed.forEach(function (item) {
      var cand = item.cand;
      var el = document.createElement("div");
      el.className = cand.kind === "place" ? "geo-label"
        : cand.kind === "country" ? "geo-label geo-label-reference geo-label-country" : "geo-label geo-label-reference";
      el.setAttribute("data-label-for", cand.id);
      var ar = document.createElement("span");
      ar.className = "geo-label-ar";
      ar.setAttribute("lang", "ar");
      ar.setAttribute("dir", "rtl");
      ar.textContent = cand.ar;
      el.appendChild(ar);
      if (cand.en) {
        var en = document.createElement("span");
        en.className = "geo-label-en";
        en.setAttribute("lang", "en");
        en.textContent = cand.en;
        el.appendChild(en);
      }
      el.style.width = (item.box.right - item.box.left) + "px";
      var at = map.containerPointToLayerPoint([item.box.left, item.box.top]);
      L.DomUtil.setPosition(el, at);
      fragment.appendChild(el);
      if (cand.point) {
        var dot = document.createElement("div");
        dot.className = "geo-reference-dot";
        L.DomUtil.setPosition(dot, map.containerPointToLayerPoint([cand.point.x - 2, cand.point.y - 2]));
        fragment.appendChild(dot);
      }
    });
    root.appendChild(fragment);
  };

  return {
    create: function (context) {
      return new Labeller(context);
    }
  };
})();
