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
      var box = map.getContainer();
      L.DomEvent.on(b, "click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { box.requestFullscreen(); }
      });
      this._onChange = L.bind(function () {
        var on = document.fullscreenElement === box;
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

  /* (c) Measuring tool: click points; shows the geodesic (WGS84, Vincenty) length of the path. */
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
      L.DomEvent.on(this._button, "click", this.toggle, this);
      this._onKey = L.bind(function (e) { if (e.key === "Escape" && this._active) { this.toggle(); } }, this);
      stopEvents(wrap);
      return wrap;
    },
    onRemove: function () { if (this._active) { this.toggle(); } },
    toggle: function () {
      var map = this._map;
      this._active = !this._active;
      this._button.setAttribute("aria-pressed", this._active ? "true" : "false");
      L.DomUtil[this._active ? "addClass" : "removeClass"](map.getContainer(), "mapper-measuring");
      this._points = [];
      this._layer.clearLayers();
      this.lengthMetres = 0;
      if (this._active) {
        this._dblZoom = map.doubleClickZoom.enabled();
        map.doubleClickZoom.disable();
        map.on("click", this._add, this);
        this._layer.addTo(map);
        document.addEventListener("keydown", this._onKey);
        this._out.hidden = false;
        this._out.textContent = "Click on the map to add points; Esc or the ruler button ends measuring.";
      } else {
        if (this._dblZoom) { map.doubleClickZoom.enable(); }
        map.off("click", this._add, this);
        map.removeLayer(this._layer);
        document.removeEventListener("keydown", this._onKey);
        this._out.hidden = true;
      }
    },
    addPoint: function (latlng) {
      var ll = L.latLng(latlng).wrap(), o = this.options;
      this._points.push(ll);
      L.circleMarker(ll, { radius: 3, color: o.color, weight: 2, fillOpacity: 1, interactive: false }).addTo(this._layer);
      if (this._line) { this._line.setLatLngs(this._points); } else {
        this._line = L.polyline(this._points, { color: o.color, weight: 3, dashArray: "6 4", interactive: false });
      }
      if (!this._layer.hasLayer(this._line)) { this._line.addTo(this._layer); }
      this.lengthMetres = M.pathLength(this._points);
      var n = this._points.length;
      this._out.textContent = "Path: " + (this.lengthMetres / 1000).toFixed(2) + " km (geodesic, WGS84), " +
        n + (n === 1 ? " point" : " points") + ". Esc ends.";
    },
    _add: function (e) { this.addPoint(e.latlng); }
  });

  /* (d) Grouped layer control that is also the legend: headings, checkboxes, colour swatches. */
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
      var setOpen = function (open) { body.hidden = !open; head.setAttribute("aria-expanded", open ? "true" : "false"); };
      setOpen(!this.options.collapsed);
      L.DomEvent.on(head, "click", function () { setOpen(body.hidden); });
      var self = this;
      this._groups.forEach(function (g) {
        var fs = el("fieldset", "mapper-layer-group", body);
        el("legend", "", fs, g.name);
        g.items.forEach(function (it) {
          var layer = self._layers[it.layer];
          var row = el("label", "mapper-layer-item", fs);
          var box = el("input", "", row);
          box.type = "checkbox";
          box.checked = map.hasLayer(layer);
          var sw = el("span", "mapper-swatch mapper-swatch-" + (it.shape || "fill"), row);
          if (it.color) { sw.style.setProperty("--sw", it.color); } else { sw.classList.add("mapper-swatch-none"); }
          sw.setAttribute("aria-hidden", "true");
          el("span", "mapper-layer-label", row, it.label);
          L.DomEvent.on(box, "change", function () {
            if (box.checked) { map.addLayer(layer); } else { map.removeLayer(layer); }
          });
          self._inputs.push([box, layer]);
          // a registry of the layers by "Group / label", for scripts and tests that inspect the map
          M.layers = M.layers || {};
          M.layers[g.name + " / " + it.label] = layer;
        });
      });
      map.on("layeradd layerremove", this._sync, this);
      stopEvents(c);
      return c;
    },
    onRemove: function (map) { map.off("layeradd layerremove", this._sync, this); },
    _sync: function () {
      var map = this._map;
      this._inputs.forEach(function (p) { p[0].checked = map.hasLayer(p[1]); });
    }
  });

  /* Text panels (title, footer): HTML built in Python from escaped parts; optionally collapsible. */
  L.Control.MapperPanel = L.Control.extend({
    options: { position: "topleft", html: "", className: "", label: "", collapsible: false },
    onAdd: function () {
      var o = this.options;
      var c = el("div", "mapper-control mapper-panel " + o.className);
      if (o.label) { c.setAttribute("role", "region"); c.setAttribute("aria-label", o.label); }
      var body = el("div", "mapper-panel-body", c);
      body.innerHTML = o.html;
      if (o.collapsible) {
        var b = el("button", "mapper-panel-toggle", null, "\u2212");
        b.type = "button";
        b.setAttribute("aria-expanded", "true");
        b.setAttribute("aria-label", "Hide " + (o.label || "panel"));
        c.insertBefore(b, body);
        L.DomEvent.on(b, "click", function () {
          body.hidden = !body.hidden;
          b.setAttribute("aria-expanded", body.hidden ? "false" : "true");
          b.setAttribute("aria-label", (body.hidden ? "Show " : "Hide ") + (o.label || "panel"));
          b.textContent = body.hidden ? "+" : "\u2212";
        });
      }
      stopEvents(c);
      return c;
    }
  });
})();
