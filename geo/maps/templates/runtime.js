/*
 * geo maps runtime: draws the places of a map from one data array (see geo/maps/payload.py).
 *
 * Markers are created here, in the browser, so a page holds one row per place rather than one block
 * of generated code per marker. Popups are built on demand from a static skeleton whose slots are
 * filled with text nodes: document text is never parsed as HTML.
 *
 * Every map registers itself in window.geoMaps (and on its container as .geoMap); tests and the PNG
 * export wait for window.geoMapsReady, set once the first frame with the markers has been painted.
 */
window.geoMapRuntime = (function () {
  "use strict";

  var SVG_NS = "http://www.w3.org/2000/svg";
  var F = {
    ID: 0, AR: 1, EN: 2, FEATURE: 3, LAT: 4, LON: 5, PRECISION: 6, APPROXIMATE: 7, COUNTS: 8,
    CHAIN: 9, DOCS: 10, EXAMPLES: 11, UNCERTAINTY: 12, SOURCE: 13, RANK: 14
  };
  var sharedCache = {};

  window.geoMaps = window.geoMaps || [];

  /* paths: kind -> SVG path in a 24x24 box (from geo/maps/layers.py); no path draws a circle. */
  function shape(paths, kind, size, colour, hollow) {
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("width", size);
    svg.setAttribute("height", size);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    var outline;
    if (paths[kind]) {
      outline = document.createElementNS(SVG_NS, "path");
      outline.setAttribute("d", paths[kind]);
    } else {
      outline = document.createElementNS(SVG_NS, "circle");
      outline.setAttribute("cx", "12");
      outline.setAttribute("cy", "12");
      outline.setAttribute("r", "10.5");
    }
    outline.setAttribute("fill", hollow ? "#ffffff" : colour);
    outline.setAttribute("fill-opacity", hollow ? "0.75" : "0.9");
    outline.setAttribute("stroke", hollow ? colour : "#ffffff");
    outline.setAttribute("stroke-width", hollow ? "2.6" : "1.6");
    outline.setAttribute("stroke-linejoin", "round");
    if (hollow) {
      outline.setAttribute("stroke-dasharray", "4 2.5");
    }
    svg.appendChild(outline);
    return svg;
  }

  /* A marker icon drawn as an SVG shape; the place id and layer go into data attributes. */
  var ShapeIcon = L.Icon.extend({
    options: { paths: {}, kind: "circle", colour: "#777777", hollow: false, placeId: "", layer: "", label: "" },
    createIcon: function (old) {
      var div = old && old.tagName === "DIV" ? old : document.createElement("div");
      while (div.firstChild) {
        div.removeChild(div.firstChild);
      }
      var size = this.options.iconSize[0];
      div.appendChild(shape(this.options.paths, this.options.kind, size, this.options.colour, this.options.hollow));
      if (this.options.label !== "") {
        var count = document.createElement("span");
        count.className = "geo-cluster-count";
        count.textContent = this.options.label;
        div.appendChild(count);
      }
      if (this.options.placeId) {
        div.setAttribute("data-place-id", this.options.placeId);
      }
      div.setAttribute("data-layer", this.options.layer);
      this._setIconStyles(div, "icon");
      return div;
    },
    createShadow: function () {
      return null;
    }
  });

  function markerSize(count) {
    return Math.min(40, Math.round(16 + 5 * Math.log2(Math.max(1, count))));
  }

  function clusterSize(count) {
    return Math.min(52, Math.round(30 + 4 * Math.log2(Math.max(1, count))));
  }

  function Context(map, data, config) {
    this.map = map;
    this.data = data;
    this.config = config;
    this.places = data.places;
    this.fields = F;
    this.layers = {};
    this.heat = null;
    this.reference = null;
    this.ready = false;
    this.tiles = [];
    this.container = map.getContainer();
    this.container.geoMap = this;
    this.container.classList.add("geo-map");
    var fonts = window.getComputedStyle(this.container).fontFamily || "sans-serif";
    this.labelFonts = { ar: "bold 13px " + fonts, en: "11px " + fonts, reference: "12px " + fonts,
      country: "bold 14px " + fonts };
    window.geoMaps.push(this);
    this._snapshot(window.__geoSnapshot);
    this._addCaption();
    this.labeller = window.geoLabeller.create(this);
    this._setView(config.view);
    this._addControls();
    this._whenPainted();
  }

  /* A picture (PNG, PDF): no zoom buttons or layer checkboxes, the caption strip under the map. */
  Context.prototype._snapshot = function (settings) {
    if (!settings) {
      return;
    }
    document.documentElement.classList.add("geo-snapshot");
    if (settings.caption === false) {
      document.documentElement.classList.add("geo-no-caption");
    }
  };

  /* The caption strip (title, period, counts, sources, attribution): shown in pictures and in
     print, where the controls that carry the same facts on screen are hidden. */
  Context.prototype._addCaption = function () {
    var caption = document.createElement("div");
    caption.className = "geo-caption";
    caption.innerHTML = this.config.caption; /* rendered by an autoescaping template */
    this.container.parentNode.insertBefore(caption, this.container.nextSibling);
    this.caption = caption;
    var map = this.map;
    var self = this;
    function fit() {
      map.invalidateSize({ pan: false });
      self.labeller.schedule();
    }
    if (document.documentElement.classList.contains("geo-snapshot")) {
      map.invalidateSize({ pan: false });
    }
    window.addEventListener("beforeprint", fit);
    window.addEventListener("afterprint", fit);
  };

  /* True once the labels are placed and any online tiles shown have loaded (or given up). */
  Context.prototype.settled = function () {
    if (!this.ready || !this.labeller.done) {
      return false;
    }
    var map = this.map;
    return this.tiles.every(function (state) {
      return !map.hasLayer(state.layer) || state.loaded || state.failed;
    });
  };

  /* The reference layer: faint names of nearby places no article named, placed by the labeller. */
  Context.prototype.referenceLayer = function () {
    this.reference = L.layerGroup();
    return this.reference;
  };

  Context.prototype._setView = function (view) {
    if (view.bounds) {
      this.map.fitBounds(view.bounds, { padding: [36, 36], maxZoom: view.maxZoom });
    } else {
      this.map.setView(view.center, view.zoom);
    }
  };

  Context.prototype._whenPainted = function () {
    var self = this;
    /* Two frames: the first runs after the whole page script (every layer added), the second
       after that frame has been painted. */
    requestAnimationFrame(function () {
      requestAnimationFrame(function () {
        self.ready = true;
        self.container.setAttribute("data-geo-ready", "1");
        window.geoMapsReady = (window.geoMapsReady || 0) + 1;
        window.geoMapsReadyAt = performance.now();
      });
    });
  };

  Context.prototype.style = function (key) {
    for (var i = 0; i < this.config.layers.length; i++) {
      if (this.config.layers[i].key === key) {
        return this.config.layers[i];
      }
    }
    throw new Error("unknown layer " + key);
  };

  /* A marker whose icon and title are made when it is first shown: with clustering most markers
     never are, and a page of 50,000 places then starts in a fraction of the time. */
  /* Clusters are built for the zooms up to this one; closer in every marker stands alone. Building
     them for every zoom up to 18 (so that places on one point stay a cluster there) doubled the
     load time of a map of 100,000 mentions: closer in, such places are fanned out around their
     point instead (see PlaceMarker). */
  var LAST_CLUSTER_ZOOM = 12;

  function clusterRadius(zoom) {
    /* At the last cluster zoom only places on (almost) one point stay together: a click fans them
       out (spiderfy) rather than zooming to where they would still sit on one another. */
    return zoom >= LAST_CLUSTER_ZOOM ? 6 : 44;
  }

  var PlaceMarker = L.Marker.extend({
    onAdd: function (map) {
      var fanned = this.geoStack && map.getZoom() > LAST_CLUSTER_ZOOM;
      if (!this._geoIcons) {
        var row = this.geoRow;
        var style = this.geoStyle;
        var count = row[F.COUNTS][style.index];
        var size = markerSize(count);
        /* Hollow: a name drawn at its container (1) or a point placed by hand (2). */
        var hollow = row[F.APPROXIMATE] >= 1;
        var options = {
          paths: this.geoShapes,
          kind: style.shape,
          colour: style.colour,
          hollow: hollow,
          iconSize: [size, size],
          className: "geo-marker geo-marker-" + style.key + (hollow ? " geo-approximate" : ""),
          placeId: row[F.ID],
          layer: style.key
        };
        this._geoIcons = [new ShapeIcon(options)];
        if (this.geoStack) {
          /* One of k places on one point: drawn on a small ring around it. */
          var angle = 2 * Math.PI * this.geoStack[0] / this.geoStack[1] - Math.PI / 2;
          var ring = Math.max(size, 10 + 4 * this.geoStack[1]);
          this._geoIcons.push(new ShapeIcon(L.extend({}, options, {
            iconAnchor: [size / 2 - ring * Math.cos(angle), size / 2 - ring * Math.sin(angle)],
            className: options.className + " geo-fanned"
          })));
        }
        this.options.title = row[F.AR] + (row[F.EN] ? " / " + row[F.EN] : "") + " (" + count + ")";
        this.options.alt = row[F.AR];
      }
      this.options.icon = this._geoIcons[fanned ? 1 : 0];
      return L.Marker.prototype.onAdd.call(this, map);
    }
  });

  Context.prototype._marker = function (row, style) {
    var marker = new PlaceMarker([row[F.LAT], row[F.LON]], { keyboard: true, riseOnHover: true });
    marker.geoRow = row;
    marker.geoStyle = style;
    marker.geoShapes = this.config.shapes;
    return marker;
  };

  /* Popup options. The title box floats over the top of the map, above Leaflet's popup pane: a
     popup that opens near the top would hide its own heading under it, so auto-panning keeps popups
     below the title. Measured when a popup is first bound, once the title has been laid out. */
  Context.prototype.popupOptions = function () {
    var top = 24;
    var title = this.container.querySelector(".geo-title");
    if (title && title.offsetHeight) {
      top = Math.max(top, title.offsetTop + title.offsetHeight + 12);
    }
    return {
      maxWidth: 400, minWidth: 260, className: "geo-leaflet-popup",
      autoPanPaddingTopLeft: [24, top], autoPanPaddingBottomRight: [24, 24]
    };
  };

  /* Popups are bound on first use, for the same reason as the icons. */
  Context.prototype._popupOf = function (marker) {
    var self = this;
    if (!marker.getPopup()) {
      marker.bindPopup(function () {
        return self.popup(marker.geoRow);
      }, this.popupOptions());
    }
    return marker;
  };

  /* Fill one layer (a folium FeatureGroup) with a cluster of the places that have mentions in it. */
  Context.prototype.addPlaces = function (group, key) {
    var style = this.style(key);
    var paths = this.config.shapes;
    var cluster = L.markerClusterGroup({
      maxClusterRadius: clusterRadius,
      disableClusteringAtZoom: LAST_CLUSTER_ZOOM + 1,
      spiderfyOnMaxZoom: true,
      showCoverageOnHover: false,
      iconCreateFunction: function (c) {
        var n = c.getChildCount();
        var size = clusterSize(n);
        return new ShapeIcon({
          paths: paths,
          kind: style.shape,
          colour: style.colour,
          iconSize: [size, size],
          className: "geo-cluster geo-cluster-" + style.key,
          layer: style.key,
          label: String(n)
        });
      }
    });
    var self = this;
    var layer = { group: group, cluster: cluster, markers: {}, ids: [], filled: false };
    for (var i = 0; i < this.places.length; i++) {
      if (this.places[i][F.COUNTS][style.index] > 0) {
        layer.ids.push(this.places[i][F.ID]);
      }
    }
    cluster.on("click", function (event) {
      var marker = event.layer;
      if (marker && marker.geoRow && !marker.getPopup()) {
        self._popupOf(marker).openPopup();
      }
    });
    cluster.on("animationend spiderfied unspiderfied", function () {
      self.labeller.schedule();
    });
    cluster.addTo(group);
    /* Markers are made when the layer is first shown (a layer off by default costs nothing), and
       added once the cluster is on the map: before that, markercluster checks each new marker
       against all the earlier ones, which is quadratic. */
    group.on("add", function () {
      if (layer.filled) {
        return;
      }
      layer.filled = true;
      var markers = [];
      var points = {};
      for (var j = 0; j < self.places.length; j++) {
        var row = self.places[j];
        if (row[F.COUNTS][style.index] > 0) {
          var marker = self._marker(row, style);
          markers.push(marker);
          layer.markers[row[F.ID]] = marker;
          var point = row[F.LAT] + "," + row[F.LON];
          (points[point] = points[point] || []).push(marker);
        }
      }
      Object.keys(points).forEach(function (point) {
        var stack = points[point];
        if (stack.length > 1) {
          stack.forEach(function (member, index) {
            member.geoStack = [index, stack.length];
          });
        }
      });
      cluster.addLayers(markers);
      self._rings(group, style);
      self.labeller.schedule();
    });
    this.layers[key] = layer;
    return cluster;
  };

  /* A dashed ring around each approximately placed name, as wide as the point may be off. */
  Context.prototype._rings = function (group, style) {
    for (var i = 0; i < this.places.length; i++) {
      var row = this.places[i];
      if (row[F.APPROXIMATE] === 1 && row[F.UNCERTAINTY] > 0 && row[F.COUNTS][style.index] > 0) {
        L.circle([row[F.LAT], row[F.LON]], {
          radius: row[F.UNCERTAINTY] * 1000, color: style.colour, weight: 1.5, opacity: 0.8, dashArray: "6 5",
          fill: true, fillOpacity: 0.06, interactive: false, className: "geo-uncertainty"
        }).addTo(group);
      }
    }
  };

  /* A heat layer of conflict mentions, weighted by the number of mentions of each place.
     leaflet.heat reads its maxZoom option as "the zoom of full intensity", but the layer control
     reads a layer's maxZoom as "hidden beyond this zoom" and greys its checkbox out: zoomed into
     Aleppo's districts the heat layer could not be switched on. The control is therefore given a
     plain layer group holding the heat layer, which has no zoom limits. */
  Context.prototype.heatLayer = function (key) {
    var index = this.style(key).index;
    var points = [];
    var max = 1;
    for (var i = 0; i < this.places.length; i++) {
      var row = this.places[i];
      var n = row[F.COUNTS][index];
      if (n > 0) {
        points.push([row[F.LAT], row[F.LON], n]);
        max = Math.max(max, n);
      }
    }
    this.heat = L.heatLayer(points, { radius: 24, blur: 18, max: max, minOpacity: 0.35, maxZoom: 11 });
    return L.layerGroup([this.heat]);
  };

  /* Online tiles that cannot load (no network, a firewall) give way to the offline outlines without
     a fuss, each time they are chosen. Once a tile has loaded the network is there, and a later
     failing tile is left to Leaflet (it is one missing square, not a blank map). */
  Context.prototype.quietTiles = function (tiles, fallback) {
    var map = this.map;
    var loaded = false;
    var state = { layer: tiles, loaded: false, failed: false };
    this.tiles.push(state);
    tiles.on("add", function () {
      loaded = false;
      state.loaded = state.failed = false;
    });
    tiles.on("tileload", function () {
      loaded = true;
    });
    tiles.on("load", function () {
      state.loaded = true;
    });
    tiles.on("tileerror", function () {
      if (!loaded && map.hasLayer(tiles)) {
        state.failed = true;
        map.removeLayer(tiles);
        map.addLayer(fallback);
      }
    });
  };

  function setText(root, slot, text) {
    var el = root.querySelector('[data-slot="' + slot + '"]');
    if (el) {
      el.textContent = text;
    }
    return el;
  }

  /* Decimals no finer than the point is worth (geo/coordinates.py decimals_for). */
  function decimalsFor(km) {
    if (typeof km !== "number" || km <= 0) { return 4; }
    return Math.min(5, Math.max(1, Math.ceil(Math.log10(111.2 / km))));
  }

  function degrees(value, positive, negative, decimals) {
    return Math.abs(value).toFixed(decimals) + "\u00b0" + (value >= 0 ? positive : negative);
  }

  Context.prototype.popup = function (row) {
    var labels = this.config.labels;
    var holder = document.createElement("div");
    holder.innerHTML = this.config.popup; /* static skeleton, rendered by an autoescaping template */
    var root = holder.firstElementChild;
    setText(root, "name-ar", row[F.AR]);
    setText(root, "name-en", row[F.EN]);
    if (row[F.APPROXIMATE] !== 1) {
      root.querySelector('[data-slot="approximate"]').remove();
    }
    if (row[F.APPROXIMATE] !== 2) {
      root.querySelector('[data-slot="approximate-point"]').remove();
    }
    if (row[F.APPROXIMATE] >= 1) {
      root.classList.add("geo-popup-is-approximate");
    }
    setText(root, "feature", labels.features[row[F.FEATURE]] || row[F.FEATURE]);
    if (row[F.CHAIN] >= 0) {
      var chain = this.data.chains[row[F.CHAIN]];
      setText(root, "chain-ar", chain[0]);
      setText(root, "chain-en", chain[1]);
    } else {
      root.querySelector('[data-slot="chain-row"]').remove();
    }
    var km = row[F.UNCERTAINTY];
    var decimals = decimalsFor(km);
    setText(root, "coordinates", degrees(row[F.LAT], "N", "S", decimals) + " " + degrees(row[F.LON], "E", "W", decimals));
    setText(root, "precision", labels.precision[String(row[F.PRECISION])] || String(row[F.PRECISION]));
    if (row[F.UNCERTAINTY] > 0) {
      setText(root, "uncertainty", "\u00b1 " + row[F.UNCERTAINTY] + " km");
    } else {
      root.querySelector('[data-slot="uncertainty-row"]').remove();
    }
    if (row[F.SOURCE] >= 0) {
      setText(root, "source", this.data.sources[row[F.SOURCE]]);
    } else {
      root.querySelector('[data-slot="source-row"]').remove();
    }
    for (var r = 0; r < this.data.roles.length; r++) {
      setText(root, "count-" + this.data.roles[r], String(row[F.COUNTS][r]));
    }
    setText(root, "docs", String(row[F.DOCS]));
    var list = root.querySelector('[data-slot="examples"]');
    var proto = list.querySelector('[data-slot="example"]');
    proto.remove();
    var examples = row[F.EXAMPLES];
    for (var i = 0; i < examples.length; i++) {
      var ex = examples[i];
      var sentence = this.data.sentences[ex[1]] || "";
      var item = proto.cloneNode(true);
      var quote = item.querySelector('[data-slot="sentence"]');
      quote.appendChild(document.createTextNode(sentence.slice(0, ex[2])));
      var mark = document.createElement("mark");
      mark.textContent = sentence.slice(ex[2], ex[3]);
      quote.appendChild(mark);
      quote.appendChild(document.createTextNode(sentence.slice(ex[3])));
      setText(item, "role", labels.roles[ex[4]] || "");
      this._source(item, ex[0]);
      item.classList.add("geo-example-" + (this.data.roles[ex[4]] || "other"));
      list.appendChild(item);
    }
    if (!examples.length) {
      list.remove();
    }
    return root;
  };

  /* Only http(s) links: a corpus URL such as javascript:... is shown as text, never followed. */
  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\/[^\s]/i.test(url) ? url : "";
  }

  function dayOf(ms) {
    return new Date(ms).toISOString().slice(0, 10);
  }

  /* An example's source: the document's title linked to its URL (else its file name), and its date. */
  Context.prototype._source = function (item, doc) {
    var info = (this.data.doc_info || [])[doc] || ["", "", ""];
    var slot = setText(item, "doc", info[0] || this.data.docs[doc] || "");
    var url = safeUrl(info[1]);
    if (slot && url) {
      var link = document.createElement("a");
      link.href = url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      link.textContent = slot.textContent;
      slot.textContent = "";
      slot.appendChild(link);
    }
    if (info[2]) {
      setText(item, "date", info[2]);
      item.querySelector('[data-slot="date"]').setAttribute("datetime", info[2]);
    } else {
      item.querySelector('[data-slot="date-part"]').remove();
    }
  };

  /* The time layer: each dated mention count of a place is a marker shown while the slider is within
     `window` days after its date; the slider (leaflet.timeline) sits at the bottom of the map.

     It follows the role layers: a conflict event shows only while "Conflict locations" is ticked
     (so "Other mentions", off by default, stays off here too). While it is on, the all-period
     markers of the role layers are faded, so the places of the chosen days stand out rather than
     sit, indistinguishable, on top of their own totals. The slider shows with the layer. */
  Context.prototype.timeLayer = function (group, options) {
    var timeline = this.data.timeline;
    if (!timeline) {
      return null;
    }
    var DAY = 86400000;
    var span = timeline.window * DAY;
    var first = Date.parse(timeline.first + "T00:00:00Z");
    var last = Date.parse(timeline.last + "T00:00:00Z");
    var self = this;
    var map = this.map;
    var features = timeline.events.map(function (event) {
      var row = self.places[event[0]];
      var start = Date.parse(event[1] + "T00:00:00Z");
      return {
        type: "Feature",
        geometry: { type: "Point", coordinates: [row[F.LON], row[F.LAT]] },
        properties: { row: event[0], role: event[2], count: event[3], start: start, end: start + span - 1 }
      };
    });
    function roleShown(role) {
      var style = self.config.layers[role];
      var layer = style && self.layers[style.key];
      return !layer || map.hasLayer(layer.group);
    }
    var layer = L.timeline({ type: "FeatureCollection", features: features }, {
      filter: function (feature) {
        return roleShown(feature.properties.role);
      },
      pointToLayer: function (feature, latlng) {
        var row = self.places[feature.properties.row];
        var style = self.config.layers[feature.properties.role] || self.config.layers[0];
        var size = markerSize(feature.properties.count);
        var marker = L.marker(latlng, {
          keyboard: true,
          zIndexOffset: 1000,
          title: row[F.AR] + (row[F.EN] ? " / " + row[F.EN] : "") + " (" + feature.properties.count + ")",
          icon: new ShapeIcon({
            paths: self.config.shapes, kind: style.shape, colour: style.colour, iconSize: [size, size],
            className: "geo-marker geo-time-marker geo-marker-time-" + style.key, placeId: row[F.ID], layer: "time"
          })
        });
        marker.bindPopup(function () {
          return self.popup(row);
        }, self.popupOptions());
        return marker;
      }
    });
    /* The markers of the chosen days go into a cluster (places on one point fan out, as in the
       role layers); the timeline itself stays off the map and only decides which markers. */
    var paths = this.config.shapes;
    var cluster = L.markerClusterGroup({
      maxClusterRadius: clusterRadius,
      disableClusteringAtZoom: LAST_CLUSTER_ZOOM + 1,
      spiderfyOnMaxZoom: true,
      showCoverageOnHover: false,
      iconCreateFunction: function (c) {
        var size = clusterSize(c.getChildCount());
        return new ShapeIcon({ paths: paths, kind: "circle", colour: "#333333", iconSize: [size, size],
          className: "geo-cluster geo-time-cluster", layer: "time", label: String(c.getChildCount()) });
      }
    });
    var addOne = layer.addLayer;
    var removeOne = layer.removeLayer;
    layer.addLayer = function (item) {
      addOne.call(this, item);
      cluster.addLayer(item);
      return this;
    };
    layer.removeLayer = function (item) {
      removeOne.call(this, item);
      cluster.removeLayer(item);
      return this;
    };
    cluster.addTo(group);
    this.timeCluster = cluster;
    /* A role layer switched on or off: redraw the events of the current time under the new filter. */
    Object.keys(this.layers).forEach(function (key) {
      self.layers[key].group.on("add remove", function () {
        layer.clearLayers();
        layer.updateDisplayedLayers();
      });
    });
    var slider = L.timelineSliderControl({
      position: "bottomleft",
      autoPlay: false,
      enableKeyboardControls: false,
      showTicks: true,
      steps: Math.max(1, Math.min(1000, Math.round((layer.end - layer.start) / DAY) + 1)),
      duration: options.duration,
      formatOutput: function (ms) {
        if (!isFinite(ms)) {
          return "";
        }
        /* The days whose documents are on the map, within the period of the data. */
        var from = dayOf(Math.max(first, ms - span + DAY));
        var to = dayOf(Math.min(last, ms));
        return from === to ? to : from + " \u2013 " + to;
      }
    });
    var attached = false;
    var time = null;
    group.on("add", function () {
      self.container.classList.add("geo-time-on");
      slider.addTo(map);
      slider.getContainer().classList.add("geo-time-slider");
      slider.getContainer().setAttribute("dir", "ltr");
      if (!attached) {
        slider.addTimelines(layer);
        attached = true;
      } else if (time !== null) {
        slider.setTime(time);
      }
    });
    group.on("remove", function () {
      self.container.classList.remove("geo-time-on");
      slider.pause();
      time = slider.time;
      slider.remove();
    });
    this.timeline = layer;
    this.slider = slider;
    return layer;
  };

  Context.prototype._addControls = function () {
    var config = this.config;
    var map = this.map;
    var container = this.container;
    var compact = container.clientWidth < config.compact;
    container.classList.toggle("geo-compact", compact);
    /* The title is a control in the top right corner (where an Arabic reader starts), above the
       layer control: Leaflet stacks the controls of a corner, so none covers another. */
    if (config.title) {
      var Title = L.Control.extend({
        options: { position: "topright" },
        onAdd: function () {
          var div = L.DomUtil.create("div", "geo-title");
          div.innerHTML = config.title; /* rendered by an autoescaping template */
          /* Room is left on the left for the zoom buttons and the "zoom to" buttons. */
          function fit() {
            var room = container.clientWidth - 200;
            div.style.maxWidth = Math.max(160, Math.min(520, compact ? 0.55 * container.clientWidth : room)) + "px";
          }
          /* On a narrow map a long title stays on one line, cut with an ellipsis; all of it on hover. */
          var heading = div.querySelector("h1");
          if (heading) {
            heading.title = heading.textContent;
          }
          fit();
          map.on("resize", fit);
          L.DomEvent.disableClickPropagation(div);
          L.DomEvent.disableScrollPropagation(div);
          return div;
        }
      });
      new Title().addTo(map);
    }
    var Legend = L.Control.extend({
      options: { position: "bottomright" },
      onAdd: function () {
        var div = L.DomUtil.create("div", "geo-legend leaflet-bar");
        div.innerHTML = config.legend; /* rendered by an autoescaping template */
        var details = div.querySelector("details");
        /* A picture cannot be clicked: its legend is open whatever the size. */
        if (details && (!compact || document.documentElement.classList.contains("geo-snapshot"))) {
          details.open = true;
        }
        L.DomEvent.disableClickPropagation(div);
        L.DomEvent.disableScrollPropagation(div);
        return div;
      }
    });
    new Legend().addTo(map);
    if (!config.targets.length) {
      return;
    }
    var Targets = L.Control.extend({
      options: { position: "topleft" },
      onAdd: function () {
        var bar = L.DomUtil.create("div", "geo-zoom-to leaflet-bar");
        config.targets.forEach(function (target) {
          var button = L.DomUtil.create("button", "geo-zoom-to-button", bar);
          button.type = "button";
          button.textContent = target.name_ar + " / " + target.name_en;
          button.title = "تكبير إلى " + target.name_ar + " (zoom to " + target.name_en + ")";
          L.DomEvent.on(button, "click", function (event) {
            L.DomEvent.stop(event);
            map.fitBounds(target.bounds, { padding: [36, 36], maxZoom: target.maxZoom || 14 });
          });
        });
        L.DomEvent.disableClickPropagation(bar);
        return bar;
      }
    });
    new Targets().addTo(map);
  };

  /* Zoom until the place's marker is out of its cluster, then open its popup. Resolves true. */
  Context.prototype.openPlace = function (id, key) {
    var self = this;
    return new Promise(function (resolve, reject) {
      var keys = key ? [key] : Object.keys(self.layers);
      for (var i = 0; i < keys.length; i++) {
        var layer = self.layers[keys[i]];
        var marker = layer && layer.markers[id];
        if (marker && self.map.hasLayer(layer.group)) {
          layer.cluster.zoomToShowLayer(marker, function () {
            self._popupOf(marker).openPopup();
            resolve(true);
          });
          return;
        }
      }
      reject(new Error("no visible marker for " + id));
    });
  };

  return {
    create: function (map, data, config) {
      return new Context(map, data, config);
    },
    /* JSON in a <script type="application/json"> element, parsed once per page (the country
       outlines, shared by every map of the page). */
    sharedData: function (id) {
      if (!(id in sharedCache)) {
        var element = document.getElementById(id);
        sharedCache[id] = element ? JSON.parse(element.textContent) : { type: "FeatureCollection", features: [] };
      }
      return sharedCache[id];
    },
    /* A narrow map (a report column): controls start folded. */
    compact: function (map) {
      var context = map.getContainer().geoMap;
      return map.getContainer().clientWidth < (context ? context.config.compact : 1000);
    },
    ShapeIcon: ShapeIcon
  };
})();
