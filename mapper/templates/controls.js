/* Deployment Scenario Mapper: small dependency-free Leaflet controls (coordinates, full screen, geodesic measuring,
   grouped layers/legend, text panels). Options come from Python already escaped (see mapper/render/controls.py);
   user text is only ever set with textContent, except panel HTML, which Python builds from escaped parts. */
(function () {
  "use strict";
  var M = window.mapper = window.mapper || {};

  /* Run fn once every script of the page has run (folium declares layers in one big script; our controls may be
     emitted before the layers they refer to). */
  M.whenReady = function (fn) {
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", fn); } else { fn(); }
  };

  /* Remembered UI state (panels and legend groups open or closed). A page opened from file:// may refuse storage,
     or storage may be full or disabled: every access is guarded and simply forgets. */
  M.store = {
    get: function (key) {
      try { return window.localStorage.getItem("mapper:" + key); } catch (e) { return null; }
    },
    set: function (key, value) {
      try { window.localStorage.setItem("mapper:" + key, value); } catch (e) { /* not remembered */ }
    }
  };

  /* A phone-width screen: panels start collapsed there so that they do not cover the map. */
  M.narrow = function () {
    return !!(window.matchMedia && window.matchMedia("(max-width: 640px)").matches);
  };

  /* Whether a collapsible thing named key starts open: as the user left it, else open unless told or narrow. */
  M.startOpen = function (key, collapsed) {
    var saved = M.store.get(key);
    if (saved === "open" || saved === "closed") { return saved === "open"; }
    return !(collapsed || M.narrow());
  };

  /* Geodesic distance in metres on the WGS84 ellipsoid: Vincenty's inverse formula (1975), iterated to 1e-12 rad.
     Returns NaN for nearly antipodal points where it does not converge (never the case within one theatre). */
  var A = 6378137, F = 1 / 298.257223563, B = A * (1 - F), RAD = Math.PI / 180;
  M.geodesicInverse = function (lat1, lon1, lat2, lon2) {
    var L = (lon2 - lon1) * RAD;
    var U1 = Math.atan((1 - F) * Math.tan(lat1 * RAD)), U2 = Math.atan((1 - F) * Math.tan(lat2 * RAD));
    var sinU1 = Math.sin(U1), cosU1 = Math.cos(U1), sinU2 = Math.sin(U2), cosU2 = Math.cos(U2);
    var lambda = L, lambdaP, iter = 0;
    var sinSigma, cosSigma, sigma, cosSqAlpha, cos2SM, sinAlpha, C, sinL, cosL;
    do {
      sinL = Math.sin(lambda); cosL = Math.cos(lambda);
      var t1 = cosU2 * sinL, t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosL;
      sinSigma = Math.sqrt(t1 * t1 + t2 * t2);
      if (sinSigma === 0) { return 0; }  // the same point
      cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosL;
      sigma = Math.atan2(sinSigma, cosSigma);
      sinAlpha = cosU1 * cosU2 * sinL / sinSigma;
      cosSqAlpha = 1 - sinAlpha * sinAlpha;
      cos2SM = cosSqAlpha !== 0 ? cosSigma - 2 * sinU1 * sinU2 / cosSqAlpha : 0;  // 0 on the equator
      C = F / 16 * cosSqAlpha * (4 + F * (4 - 3 * cosSqAlpha));
      lambdaP = lambda;
      lambda = L + (1 - C) * F * sinAlpha *
        (sigma + C * sinSigma * (cos2SM + C * cosSigma * (-1 + 2 * cos2SM * cos2SM)));
    } while (Math.abs(lambda - lambdaP) > 1e-12 && ++iter < 200);
    if (iter >= 200) { return NaN; }
    var uSq = cosSqAlpha * (A * A - B * B) / (B * B);
    var bigA = 1 + uSq / 16384 * (4096 + uSq * (-768 + uSq * (320 - 175 * uSq)));
    var bigB = uSq / 1024 * (256 + uSq * (-128 + uSq * (74 - 47 * uSq)));
    var dSigma = bigB * sinSigma * (cos2SM + bigB / 4 * (cosSigma * (-1 + 2 * cos2SM * cos2SM) -
      bigB / 6 * cos2SM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SM * cos2SM)));
    return B * bigA * (sigma - dSigma);
  };

  /* Length in metres of a path of L.LatLng (or [lat, lon]) points. */
  M.pathLength = function (pts) {
    var total = 0;
    for (var i = 1; i < pts.length; i++) {
      var p = L.latLng(pts[i - 1]), q = L.latLng(pts[i]);
      total += M.geodesicInverse(p.lat, p.lng, q.lat, q.lng);
    }
    return total;
  };

  M.formatLatLon = function (lat, lon) {
    return Math.abs(lat).toFixed(5) + (lat < 0 ? " S" : " N") + ", " + Math.abs(lon).toFixed(5) + (lon < 0 ? " W" : " E");
  };

  function el(tag, cls, parent, text) {
    var e = L.DomUtil.create(tag, cls || "", parent);
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  function button(parent, cls, label, svg) {
    var b = el("button", "mapper-btn " + cls, parent);
    b.type = "button";
    b.title = label;
    b.setAttribute("aria-label", label);
    b.innerHTML = svg;  // a constant icon from this file, never user text
    return b;
  }

  function stopEvents(container) {
    L.DomEvent.disableClickPropagation(container);
    L.DomEvent.disableScrollPropagation(container);
  }

  var ICON = {
    full: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 6V1h5M10 1h5v5M15 10v5h-5M6 15H1v-5" fill="none" stroke="currentColor" stroke-width="2"/></svg>',
    exit: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M6 1v5H1M15 6h-5V1M10 15v-5h5M1 10h5v5" fill="none" stroke="currentColor" stroke-width="2"/></svg>',
    ruler: '<svg viewBox="0 0 16 16" aria-hidden="true"><path d="M1 11 11 1l4 4L5 15z M4 8l2 2M6 6l1.5 1.5M8 4l2 2M10 2l1.5 1.5" fill="none" stroke="currentColor" stroke-width="1.4"/></svg>'
  };

  /* (a) Coordinates under the cursor. */
  L.Control.MapperCoords = L.Control.extend({
    options: { position: "bottomleft", label: "Cursor (lat, lon)" },
    onAdd: function (map) {
      var c = el("div", "mapper-control mapper-coords");
      el("span", "mapper-coords-label", c, this.options.label + ": ");
      this._value = el("span", "mapper-coords-value", c, "\u2013");
      map.on("mousemove", this._move, this);
      return c;
    },
    onRemove: function (map) { map.off("mousemove", this._move, this); },
    _move: function (e) {
      var ll = e.latlng.wrap();
      this._value.textContent = M.formatLatLon(ll.lat, ll.lng);
    }
  });

  /* (b) Full-screen toggle (Fullscreen API); hidden where the browser has none. */
  L.Control.MapperFullscreen = L.Control.extend({
    options: { position: "topleft", label: "Full screen", labelExit: "Exit full screen" },
    onAdd: function (map) {
      var bar = el("div", "leaflet-bar mapper-bar");
      if (!document.fullscreenEnabled) { bar.style.display = "none"; return bar; }
      var b = this._button = button(bar, "mapper-fullscreen", this.options.label, ICON.full);
      b.setAttribute("aria-pressed", "false");
      // the docked map goes full screen with its toolbar and rail (the element around the map)
      var target = function () {
        var c = map.getContainer(), d = c.closest && c.closest(".mapper-docked");
        return d || c;
      };
      L.DomEvent.on(b, "click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { target().requestFullscreen(); }
      });
      this._onChange = L.bind(function () {
        var on = document.fullscreenElement === target();
        b.setAttribute("aria-pressed", on ? "true" : "false");
        b.title = on ? this.options.labelExit : this.options.label;
        b.setAttribute("aria-label", b.title);
        b.innerHTML = on ? ICON.exit : ICON.full;
        map.invalidateSize();
      }, this);
      document.addEventListener("fullscreenchange", this._onChange);
      stopEvents(bar);
      return bar;
    },
    onRemove: function () { if (this._onChange) { document.removeEventListener("fullscreenchange", this._onChange); } }
  });

  /* (c) Measuring tool: click points; shows the geodesic (WGS84, Vincenty) length of the path. A double click, Esc
     or the ruler button ends it (the double click adds no point); the last path stays shown until the next
     measurement starts or Esc is pressed again. Double-click zoom is off while measuring. */
  L.Control.MapperMeasure = L.Control.extend({
    options: { position: "topleft", color: "#c2185b", label: "Measure a distance" },
    onAdd: function (map) {
      var wrap = el("div", "mapper-measure");
      var bar = el("div", "leaflet-bar mapper-bar", wrap);
      this._button = button(bar, "mapper-measure-btn", this.options.label, ICON.ruler);
      this._button.setAttribute("aria-pressed", "false");
      this._out = el("div", "mapper-control mapper-measure-out", wrap);
      this._out.setAttribute("role", "status");
      this._out.hidden = true;
      this._layer = L.layerGroup();
      this._points = [];
      this.lengthMetres = 0;
      this.state = "off";  // "off" | "measuring" | "ended" (a finished path is shown)
      L.DomEvent.on(this._button, "click", this.toggle, this);
      this._onKey = L.bind(function (e) {
        if (e.key !== "Escape") { return; }
        if (this._active) { this.finish(); } else if (this.state === "ended") { this.clear(); }
      }, this);
      document.addEventListener("keydown", this._onKey);
      stopEvents(wrap);
      return wrap;
    },
    onRemove: function (map) {
      if (this._active) { this.finish(); }
      this.clear();
      document.removeEventListener("keydown", this._onKey);
    },
    toggle: function () { if (this._active) { this.finish(); } else { this.start(); } },
    start: function () {
      var map = this._map;
      this.clear();
      this._active = true;
      this.state = "measuring";
      this._button.setAttribute("aria-pressed", "true");
      L.DomUtil.addClass(map.getContainer(), "mapper-measuring");
      this._dblZoom = map.doubleClickZoom.enabled();
      map.doubleClickZoom.disable();
      map.on("click", this._add, this);
      map.on("dblclick", this._dblclick, this);
      this._layer.addTo(map);
      this._out.hidden = false;
      this._out.textContent = "Click on the map to add points; double-click, Esc or the ruler button ends measuring.";
    },
    finish: function () {
      var map = this._map;
      if (!this._active) { return; }
      this._active = false;
      this._button.setAttribute("aria-pressed", "false");
      L.DomUtil.removeClass(map.getContainer(), "mapper-measuring");
      map.off("click", this._add, this);
      map.off("dblclick", this._dblclick, this);
      // re-enabled after the double click's own events have passed, so it does not zoom the map
      var dbl = this._dblZoom;
      setTimeout(function () { if (dbl && !map.doubleClickZoom.enabled()) { map.doubleClickZoom.enable(); } }, 0);
      if (this._points.length) {
        this.state = "ended";
        this._out.textContent = this._text() + " Measuring ended (Esc clears).";
      } else {
        this.clear();
      }
    },
    clear: function () {
      this._points = [];
      this._dots = [];
      this._layer.clearLayers();
      this._line = null;
      this.lengthMetres = 0;
      if (this._map && this._map.hasLayer(this._layer)) { this._map.removeLayer(this._layer); }
      if (!this._active) { this.state = "off"; this._out.hidden = true; }
    },
    pointCount: function () { return this._points.length; },
    addPoint: function (latlng) {
      var ll = L.latLng(latlng).wrap(), o = this.options;
      this._points.push(ll);
      var dot = L.circleMarker(ll, { radius: 3, color: o.color, weight: 2, fillOpacity: 1, interactive: false });
      dot.addTo(this._layer);
      this._dots = (this._dots || []).concat([dot]);
      this._redraw();
    },
    _redraw: function () {
      var o = this.options;
      if (this._line) { this._line.setLatLngs(this._points); } else {
        this._line = L.polyline(this._points, { color: o.color, weight: 3, dashArray: "6 4", interactive: false });
      }
      if (!this._layer.hasLayer(this._line)) { this._line.addTo(this._layer); }
      this.lengthMetres = M.pathLength(this._points);
      this._out.textContent = this._text() + (this._active ? " Double-click or Esc ends." : "");
    },
    _text: function () {
      var n = this._points.length;
      return "Path: " + (this.lengthMetres / 1000).toFixed(2) + " km (geodesic, WGS84), " +
        n + (n === 1 ? " point" : " points") + ".";
    },
    _add: function (e) {
      var ev = e.originalEvent || {};
      if (ev.detail > 1) { return; }  // the second click of a double click
      this.addPoint(e.latlng);
      this._last = { time: Date.now(), at: e.containerPoint };
    },
    _dblclick: function (e) {
      // the double click's first click added a point: take it back, then end
      var last = this._last;
      if (last && Date.now() - last.time < 1000 && e.containerPoint && last.at &&
          e.containerPoint.distanceTo(last.at) < 8 && this._points.length) {
        this._points.pop();
        var dot = this._dots.pop();
        if (dot) { this._layer.removeLayer(dot); }
        this._redraw();
      }
      this._last = null;
      if (e.originalEvent) { L.DomEvent.stop(e.originalEvent); }
      this.finish();
    }
  });

  /* A heading button that opens and closes body, remembered under key (M.store); returns setOpen. */
  function collapsible(head, body, key, collapsed, onChange) {
    var setOpen = function (open, remember) {
      body.hidden = !open;
      head.setAttribute("aria-expanded", open ? "true" : "false");
      if (remember) { M.store.set(key, open ? "open" : "closed"); }
      if (onChange) { onChange(open); }
    };
    setOpen(M.startOpen(key, collapsed), false);
    L.DomEvent.on(head, "click", function () { setOpen(body.hidden, true); });
    return setOpen;
  }

  /* (d) Grouped layer control that is also the legend: headings, checkboxes, colour swatches. The control and each
     group collapse (remembered); legend-only keys (it.keys) explain what one layer draws, e.g. a hub's links. */
  L.Control.MapperLayers = L.Control.extend({
    options: { position: "topright", title: "Layers and legend", collapsed: false },
    initialize: function (groups, layers, options) {
      L.setOptions(this, options);
      this._groups = groups;
      this._layers = layers;
      this._inputs = [];
    },
    onAdd: function (map) {
      var c = el("div", "mapper-control mapper-layers");
      c.setAttribute("role", "region");
      c.setAttribute("aria-label", this.options.title);
      var id = "mapper-layers-" + L.stamp(this);
      var head = el("button", "mapper-layers-head", c, this.options.title);
      head.type = "button";
      head.setAttribute("aria-controls", id);
      var body = el("div", "mapper-layers-body", c);
      body.id = id;
      collapsible(head, body, "legend", this.options.collapsed, function (open) {
        c.classList.toggle("mapper-collapsed", !open);
      });
      var self = this;
      this._groups.forEach(function (g, gi) { self._group(map, body, g, id + "-" + gi); });
      map.on("layeradd layerremove", this._sync, this);
      stopEvents(c);
      return c;
    },
    _group: function (map, body, g, id) {
      var self = this;
      var fs = el("fieldset", "mapper-layer-group", body);
      var legend = el("legend", "", fs);
      var head = el("button", "mapper-group-head", legend, g.name);
      head.type = "button";
      head.setAttribute("aria-controls", id);
      var items = el("div", "mapper-group-items", fs);
      items.id = id;
      collapsible(head, items, "group:" + g.name, g.collapsed);
      g.items.forEach(function (it) {
        var layer = self._layers[it.layer];
        var row = el("label", "mapper-layer-item", items);
        var box = el("input", "", row);
        box.type = "checkbox";
        box.checked = map.hasLayer(layer);
        swatch(row, it.color, it.shape);
        el("span", "mapper-layer-label", row, it.label);
        L.DomEvent.on(box, "change", function () {
          if (box.checked) { map.addLayer(layer); } else { map.removeLayer(layer); }
        });
        (it.keys || []).forEach(function (k) {
          var key = el("div", "mapper-layer-key", items);
          swatch(key, k.color, k.shape);
          el("span", "mapper-layer-label", key, k.label);
        });
        self._inputs.push([box, layer]);
        // a registry of the layers by "Group / label", for scripts and tests that inspect the map
        M.layers = M.layers || {};
        M.layers[g.name + " / " + it.label] = layer;
      });
    },
    onRemove: function (map) { map.off("layeradd layerremove", this._sync, this); },
    _sync: function () {
      var map = this._map;
      this._inputs.forEach(function (p) { p[0].checked = map.hasLayer(p[1]); });
    }
  });

  function swatch(parent, color, shape) {
    var sw = el("span", "mapper-swatch mapper-swatch-" + (shape || "fill"), parent);
    if (color) { sw.style.setProperty("--sw", color); } else { sw.classList.add("mapper-swatch-none"); }
    sw.setAttribute("aria-hidden", "true");
    return sw;
  }

  /* Text panels (title, footer): HTML built in Python from escaped parts; optionally collapsible (remembered under
     the panel's class name; collapsed by default on a phone-width screen). */
  L.Control.MapperPanel = L.Control.extend({
    options: { position: "topleft", html: "", className: "", label: "", collapsible: false, collapsedLabel: "" },
    onAdd: function () {
      var o = this.options;
      var c = el("div", "mapper-control mapper-panel " + o.className);
      if (o.label) { c.setAttribute("role", "region"); c.setAttribute("aria-label", o.label); }
      var body = el("div", "mapper-panel-body", c);
      body.innerHTML = o.html;
      if (o.collapsible) {
        var b = el("button", "mapper-panel-toggle", null);
        b.type = "button";
        c.insertBefore(b, body);
        var name = o.label || "panel", short = o.collapsedLabel || name;
        collapsible(b, body, "panel:" + (o.className || name), false, function (open) {
          c.classList.toggle("mapper-collapsed", !open);
          b.setAttribute("aria-label", (open ? "Hide " : "Show ") + name);
          b.title = b.getAttribute("aria-label");
          b.textContent = open ? "\u2212" : "+ " + short;
        });
      }
      stopEvents(c);
      return c;
    }
  });

  /* Docked panels: the title, the legend and the credits move out of the map into a rail beside it (below it on a
     phone-width screen), the small tools (zoom, measure, full screen, scale, cursor position) into a toolbar
     above it and the sources and credits into a bar under it, so no control ever floats over the map: a force stays in sight at every zoom and pan, not only in
     the initial view. Leaflet keeps adding controls to its corner elements wherever they are, so the corners
     themselves move; the map is then told its new size. The parent gets the class mapper-docked. */
  M.dock = function (map) {
    var box = map.getContainer(), parent = box.parentNode, corners = map._controlCorners || {};
    if (!parent || parent.classList.contains("mapper-docked")) { return; }
    parent.classList.add("mapper-docked");
    var stage = el("div", "mapper-stage"), bar = el("div", "mapper-toolbar", stage);
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "Map tools");
    parent.insertBefore(stage, box);
    stage.appendChild(box);
    var rail = el("div", "mapper-rail", parent);
    rail.setAttribute("role", "complementary");
    rail.setAttribute("aria-label", "Title, legend and sources");
    ["topleft", "bottomleft"].forEach(function (k) { if (corners[k]) { bar.appendChild(corners[k]); } });
    var title = corners.topleft && corners.topleft.querySelector(".mapper-title-panel");
    if (title) { rail.appendChild(title); }
    if (corners.topright) { rail.appendChild(corners.topright); }
    // the front line's date, source and accuracy and the credits stay in sight under the map
    if (corners.bottomright) { el("div", "mapper-statusbar", stage).appendChild(corners.bottomright); }
    map.invalidateSize({ animate: false, pan: false });
    M.docked = true;
  };

  /* The largest rectangle of the map that the controls in its corners leave free, as Leaflet paddings: for each
     corner the controls are either beside (a left/right inset) or above/below (a top/bottom inset) it; of the 16
     choices, the one allowing the highest zoom for bounds (then the largest free area) wins. */
  M.cornerSizes = function (map) {
    var box = map.getContainer().getBoundingClientRect(), out = {};
    ["topleft", "topright", "bottomleft", "bottomright"].forEach(function (k) {
      var w = 0, h = 0, corner = map._controlCorners && map._controlCorners[k];
      Array.prototype.forEach.call(corner ? corner.children : [], function (ctl) {
        var r = ctl.getBoundingClientRect();
        // a docked control sits outside the map and takes none of it
        if (!r.width || !r.height || r.right <= box.left || r.left >= box.right || r.bottom <= box.top ||
            r.top >= box.bottom) { return; }
        w = Math.max(w, k.indexOf("left") > 0 ? r.right - box.left : box.right - r.left);
        h = Math.max(h, k.indexOf("top") === 0 ? r.bottom - box.top : box.bottom - r.top);
      });
      out[k] = [w, h];
    });
    return out;
  };

  M.freePadding = function (map, bounds, margin) {
    var s = M.cornerSizes(map), size = map.getSize(), best = null;
    var keys = ["topleft", "topright", "bottomleft", "bottomright"];
    for (var mask = 0; mask < 16; mask++) {
      var p = { top: 0, bottom: 0, left: 0, right: 0 };
      keys.forEach(function (k, i) {
        var side = (mask >> i) & 1;  // 1: beside the free area, 0: above or below it
        if (side) { var x = k.indexOf("left") > 0 ? "left" : "right"; p[x] = Math.max(p[x], s[k][0]); } else {
          var y = k.indexOf("top") === 0 ? "top" : "bottom"; p[y] = Math.max(p[y], s[k][1]);
        }
      });
      var tl = L.point(p.left + margin[3], p.top + margin[0]);
      var br = L.point(p.right + margin[1], p.bottom + margin[2]);
      var free = size.subtract(tl).subtract(br);
      if (free.x < 40 || free.y < 40) { continue; }
      var zoom = map.getBoundsZoom(bounds, false, tl.add(br));
      var area = free.x * free.y;
      if (!best || zoom > best.zoom || (zoom === best.zoom && area > best.area)) {
        best = { zoom: zoom, area: area, tl: tl, br: br };
      }
    }
    return best || { zoom: map.getBoundsZoom(bounds), tl: L.point(0, 0), br: L.point(0, 0) };
  };

  /* Rectangles (relative to the map's container) of the visible controls, and of the visible markers: each
     marker's icon, with its label and other parts when withParts (a label hidden by the decluttering is not
     visible), grown by gap on every side. */
  function boxOf(r, box, gap) {
    return { l: r.left - box.left - gap, t: r.top - box.top - gap, r: r.right - box.left + gap,
             b: r.bottom - box.top + gap };
  }
  function visibleRects(nodes) {
    return Array.prototype.map.call(nodes, function (n) { return n.getBoundingClientRect(); })
      .filter(function (r) { return r.width > 0 && r.height > 0; });
  }
  M.panelBoxes = function (map) {
    var box = map.getContainer().getBoundingClientRect();
    return visibleRects(map.getContainer().querySelectorAll(".leaflet-control")).map(function (r) {
      return boxOf(r, box, 0);
    });
  };
  M.markerBoxes = function (map, withParts, gap) {
    var box = map.getContainer().getBoundingClientRect(), out = [];
    Array.prototype.forEach.call(map.getPane("markerPane").querySelectorAll(".leaflet-marker-icon"), function (m) {
      var rects = visibleRects([m]);
      if (!rects.length) { return; }
      var u = boxOf(rects[0], box, gap);
      if (withParts) {
        visibleRects(m.querySelectorAll("*")).forEach(function (r) {
          var p = boxOf(r, box, gap);
          u = { l: Math.min(u.l, p.l), t: Math.min(u.t, p.t), r: Math.max(u.r, p.r), b: Math.max(u.b, p.b) };
        });
      }
      out.push(u);
    });
    return out;
  };

  /* The shift (px) of the current view that keeps bounds and every marker inside the map, no marker under a
     control, and brings the bounds' centre nearest to goal; null if there is none. */
  M.bestShift = function (map, bounds, panels, goal, o, withParts) {
    var size = map.getSize(), boxes = M.markerBoxes(map, withParts, o.gap);
    var sw = map.latLngToContainerPoint(bounds.getSouthWest());
    var ne = map.latLngToContainerPoint(bounds.getNorthEast());
    var ext = { l: sw.x, r: ne.x, t: ne.y, b: sw.y };
    boxes.forEach(function (m) {
      ext = { l: Math.min(ext.l, m.l - o.edge), r: Math.max(ext.r, m.r + o.edge),
              t: Math.min(ext.t, m.t - o.edge), b: Math.max(ext.b, m.b + o.edge) };
    });
    var x0 = -ext.l, x1 = size.x - ext.r, y0 = -ext.t, y1 = size.y - ext.b;
    if (x0 > x1 || y0 > y1) { return null; }
    var cx = (sw.x + ne.x) / 2, cy = (sw.y + ne.y) / 2, best = null;
    var clear = function (dx, dy) {
      return boxes.every(function (m) {
        return panels.every(function (p) {
          return m.l + dx >= p.r || m.r + dx <= p.l || m.t + dy >= p.b || m.b + dy <= p.t;
        });
      });
    };
    for (var dx = x0; dx <= x1 + 0.5; dx += o.step) {
      for (var dy = y0; dy <= y1 + 0.5; dy += o.step) {
        var x = Math.min(dx, x1), y = Math.min(dy, y1);
        var d = (cx + x - goal.x) * (cx + x - goal.x) + (cy + y - goal.y) * (cy + y - goal.y);
        if ((!best || d < best.d) && clear(x, y)) { best = { x: x, y: y, d: d }; }
      }
    }
    return best && L.point(best.x, best.y);
  };

  /* The initial view: the highest zoom (at most maxZoom) at which bounds fit the map and every marker, with its
     label, lies clear of the controls and the map's edges. Where the labels need more than one level of zoom
     less than the symbols alone, the symbols' zoom wins (its labels may touch a panel). The bounds are centred as near as possible to the centre of the largest rectangle
     the controls leave free (M.freePadding). Sets M.view and data-mapper-view="fitted" on the container. */
  M.fitView = function (map, bounds, options) {
    var o = L.extend({ maxZoom: 8, minZoom: 3, edge: 6, gap: 4, step: 8 }, options || {});
    var b = L.latLngBounds(bounds), size = map.getSize();
    var free = M.freePadding(map, b, [0, 0, 0, 0]);
    var goal = L.point((free.tl.x + size.x - free.br.x) / 2, (free.tl.y + size.y - free.br.y) / 2);
    var panels = M.panelBoxes(map), found = null, fallback = null;
    var zoom = Math.min(o.maxZoom, map.getBoundsZoom(b, false, L.point(2 * o.edge, 2 * o.edge)));
    for (; zoom >= o.minZoom && !found; zoom--) {
      map.setView(b.getCenter(), zoom, { animate: false });
      var shift = M.bestShift(map, b, panels, goal, o, true);
      if (shift) { found = { zoom: zoom, shift: shift, labels: true }; break; }
      if (fallback && zoom < fallback.zoom) { found = fallback; break; }
      shift = M.bestShift(map, b, panels, goal, o, false);
      if (shift && !fallback) { fallback = { zoom: zoom, shift: shift, labels: false }; }
    }
    found = found || fallback;
    if (found) {
      map.setView(b.getCenter(), found.zoom, { animate: false });
      map.setView(map.containerPointToLatLng(size.divideBy(2).subtract(found.shift)), found.zoom, { animate: false });
    } else {
      map.fitBounds(b, { paddingTopLeft: free.tl, paddingBottomRight: free.br, animate: false });
    }
    M.view = { zoom: map.getZoom(), labelsClear: !!(found && found.labels), fitted: !!found };
    map.getContainer().setAttribute("data-mapper-view", "fitted");
    return M.view;
  };

  /* Sortable tables (class "mapper-sortable"): a button in each column header sorts the rows by that column,
     ascending then descending (aria-sort on the header). Cells with data-v sort by that number (empty last);
     others by their text. Ties keep the table's own order. */
  M.sortable = function (table) {
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    var body = table.tBodies[0];
    if (!body) { return; }
    Array.prototype.forEach.call(body.rows, function (r, i) { r.setAttribute("data-order", i); });
    Array.prototype.forEach.call(heads, function (th, col) {
      var b = th.querySelector("button.mapper-sort");
      if (!b) { return; }
      b.addEventListener("click", function () {
        var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", dir);
        M.sortRows(body, col, th.getAttribute("data-sort") === "num", dir === "ascending" ? 1 : -1);
      });
    });
  };

  M.sortRows = function (body, col, numeric, sign) {
    var key = function (row) {
      var cell = row.cells[col];
      if (!numeric) { return (cell ? cell.textContent : "").trim().toLowerCase(); }
      var v = cell ? parseFloat(cell.getAttribute("data-v")) : NaN;
      return isNaN(v) ? null : v;
    };
    var rows = Array.prototype.map.call(body.rows, function (r) { return [key(r), +r.getAttribute("data-order"), r]; });
    rows.sort(function (a, b) {
      if (a[0] === b[0]) { return a[1] - b[1]; }
      if (a[0] === null) { return 1; }
      if (b[0] === null) { return -1; }
      var c = numeric ? a[0] - b[0] : a[0].localeCompare(b[0]);
      return c === 0 ? a[1] - b[1] : sign * c;
    });
    rows.forEach(function (r) { body.appendChild(r[2]); });
  };

  M.whenReady(function () {
    Array.prototype.forEach.call(document.querySelectorAll("table.mapper-sortable"), M.sortable);
  });
})();
