/* Deployment Scenario Mapper: labels without collisions and co-located units grouped (issue #15).
   mapperDeclutter(map) runs on load and after every zoom, move and layer change:

   1. Units: markers whose APP-6 symbols would touch at the current zoom form a group, drawn as one stack symbol
      with a count badge ("×3") over the first member's symbol; a click (or Enter) on it spreads the members in a
      column beside it, each with a leg to its true position, every one clickable (its popup opens); a click on
      the map, Escape or a zoom folds them back. Symbols are never hidden, only grouped.
   2. Labels, by priority (forces, biggest first, then hubs, then places: priority places first, in
      mapper.placelabels' order): each label goes on the first side (its own, then the others) where it touches no
      label placed before it and no unit symbol (a unit's label prefers sides that stay inside the map and cover
      no priority place); if there is none it is hidden (class mapper-dc-hidden) until a zoom or move gives it
      room.

   Text is only read from the page (textContent) and written with textContent: nothing here parses HTML. */
(function () {
  "use strict";
  var GAP = 3, NEAR = 2, PAD = 1;  // px: label to symbol (CSS .mapper-dc-*), grouping reach, label clearance

  function rect(el) {
    var r = el.getBoundingClientRect();
    return {l: r.left, t: r.top, r: r.right, b: r.bottom};
  }
  function hit(a, b, pad) {
    return a.l < b.r + pad && b.l < a.r + pad && a.t < b.b + pad && b.t < a.b + pad;
  }
  function shown(r) { return r.r - r.l > 0 && r.b - r.t > 0; }

  /* The label's box on each side of its symbol s (matching the .mapper-dc-* rules of declutter.css). */
  function sideBox(side, s, w, h) {
    var cx = (s.l + s.r) / 2, cy = (s.t + s.b) / 2, x, y;
    if (side === "b") { x = cx - w / 2; y = s.b; }
    else if (side === "t") { x = cx - w / 2; y = s.t - 1 - h; }
    else if (side === "r") { x = s.r + GAP; y = cy - h / 2; }
    else { x = s.l - GAP - w; y = cy - h / 2; }
    return {l: x, t: y, r: x + w, b: y + h};
  }
  /* A place name's box on side (mapper-place-<side> in page.css) of the point (x, y). */
  function placeBox(side, x, y, w, h) {
    var bx, by, d = side.length === 2 ? 3 : 5;
    if (side === "r" || side === "l" || side === "t" || side === "b") {
      bx = side === "r" ? x + d : side === "l" ? x - d - w : x - w / 2;
      by = side === "t" ? y - d - h : side === "b" ? y + d : y - h / 2;
    } else {
      bx = side.indexOf("r") >= 0 ? x + d : x - d - w;
      by = side.indexOf("t") >= 0 ? y - d - h : y + d;
    }
    return {l: bx, t: by, r: bx + w, b: by + h};
  }
  var PLACE_SIDES = ["r", "l", "t", "b", "tr", "br", "tl", "bl"];
  /* The lines of a unit label ("name<br>troops"), whether or not it is shown. */
  function lines(label) {
    var out = [];
    if (!label) { return out; }
    label.childNodes.forEach(function (n) { if (n.nodeName !== "BR" && n.textContent) { out.push(n.textContent); } });
    return out;
  }

  function Declutter(map) {
    this.map = map;
    this.stacks = L.layerGroup();
    this.legs = L.layerGroup();
    this.groups = [];
    this.open = null;
    this.runs = 0;
    this.busy = false;
    this.pending = 0;
    map.getContainer().mapperDeclutter = this;
  }

  /* Every unit marker on the map (forces and hubs: DivIcons of class mapper-unit-icon). */
  Declutter.prototype.units = function () {
    var out = [];
    this.map.eachLayer(function (l) {
      var icon = l._icon;
      if (l instanceof L.Marker && icon && icon.classList.contains("mapper-unit-icon")) {
        var site = icon.querySelector(".mapper-site");
        out.push({marker: l, icon: icon, unit: icon.querySelector(".mapper-unit"),
                  label: icon.querySelector(".mapper-unit-label"),
                  force: site && site.getAttribute("data-kind") === "force",
                  troops: site ? +site.getAttribute("data-troops") || 0 : 0});
      }
    });
    out.sort(function (a, b) { return (b.force - a.force) || (b.troops - a.troops); });
    return out;
  };

  Declutter.prototype.collapse = function () {
    if (!this.open) { return; }
    this.open.members.forEach(function (u) {
      u.icon.style.translate = "";
      u.icon.classList.remove("mapper-spread");
      u.icon.classList.add("mapper-grouped");
    });
    this.open.stack._icon && this.open.stack._icon.classList.remove("mapper-stack-open");
    this.legs.clearLayers();
    this.open = null;
    this.labels();
  };

  /* Group the unit markers whose symbols touch at this zoom; draw one stack marker per group. */
  Declutter.prototype.group = function () {
    var self = this, map = this.map, box = map.getContainer().getBoundingClientRect();
    this.open = null;
    this.legs.clearLayers();
    this.stacks.clearLayers();
    var units = this.units();
    units.forEach(function (u) {
      u.icon.style.translate = "";
      u.icon.classList.remove("mapper-grouped", "mapper-grouped-lead", "mapper-spread");
    });
    units.forEach(function (u) { u.sym = rect(u.unit); });
    var groups = [];
    units.forEach(function (u) {
      var g = groups.find(function (g) {
        return g.members.some(function (m) { return hit(m.sym, u.sym, NEAR); });
      });
      if (g) { g.members.push(u); } else { groups.push({members: [u]}); }
    });
    this.groups = groups.filter(function (g) { return g.members.length > 1; });
    this.groups.forEach(function (g) {
      var lead = g.members[0], p = map.latLngToContainerPoint(lead.marker.getLatLng());
      var s = lead.sym, x = p.x + box.left, y = p.y + box.top;
      g.members.forEach(function (u, i) {
        u.icon.classList.add("mapper-grouped");
        if (!i) { u.icon.classList.add("mapper-grouped-lead"); }
      });
      var el = self.stackElement(g);
      g.stack = L.marker(lead.marker.getLatLng(), {
        icon: L.divIcon({html: el, className: "mapper-stack-icon", iconSize: [s.r - s.l, s.b - s.t],
                         iconAnchor: [x - s.l, y - s.t]}),
        keyboard: true, title: "", zIndexOffset: 2000});
      g.stack.bindTooltip(self.stackTip(g), {direction: "top", offset: [s.l - x + (s.r - s.l) / 2, s.t - y]});
      g.stack.on("click", function () { self.expand(g); });
      self.stacks.addLayer(g.stack);
    });
  };

  Declutter.prototype.stackElement = function (g) {
    var lead = g.members[0], wrap = document.createElement("div"), unit = document.createElement("div");
    var site = lead.icon.querySelector(".mapper-site");
    wrap.className = "mapper-site mapper-stack";
    if (site) { wrap.style.setProperty("--opt", site.style.getPropertyValue("--opt")); }
    unit.className = "mapper-unit";
    unit.appendChild(lead.unit.querySelector("svg").cloneNode(true));
    var badge = document.createElement("span");
    badge.className = "mapper-stack-badge";
    badge.textContent = "\u00d7" + g.members.length;
    unit.appendChild(badge);
    var label = document.createElement("div");
    label.className = "mapper-unit-label mapper-stack-label";
    var first = lines(lead.label)[0] || "";
    label.appendChild(document.createTextNode(first));
    label.appendChild(document.createElement("br"));
    label.appendChild(document.createTextNode("+" + (g.members.length - 1) + " more"));
    unit.appendChild(label);
    wrap.appendChild(unit);
    wrap.setAttribute("role", "button");
    wrap.setAttribute("aria-label", g.members.length + " units here: " + g.members.map(function (u) {
      return lines(u.label)[0] || "";
    }).join(", "));
    return wrap;
  };

  Declutter.prototype.stackTip = function (g) {
    var tip = document.createElement("div");
    var head = document.createElement("strong");
    head.textContent = g.members.length + " units here (click to show each):";
    tip.appendChild(head);
    g.members.forEach(function (u) {
      tip.appendChild(document.createElement("br"));
      tip.appendChild(document.createTextNode(lines(u.label).join(", ")));
    });
    return tip;
  };

  /* Spread group g in a column beside its stack, each member on a leg to its true position. */
  Declutter.prototype.expand = function (g) {
    var map = this.map, self = this;
    if (this.open === g) { this.collapse(); return; }
    this.collapse();
    this.open = g;
    if (g.stack._icon) { g.stack._icon.classList.add("mapper-stack-open"); }
    var s = g.members[0].sym, box = map.getContainer().getBoundingClientRect();
    var h = s.b - s.t, step = Math.max(h, 30) + 8, n = g.members.length;
    var x0 = s.r + 24, y0 = (s.t + s.b) / 2 - step * (n - 1) / 2;
    g.members.forEach(function (u, i) {
      var cx = x0 + (u.sym.r - u.sym.l) / 2, cy = y0 + i * step;
      var dx = cx - (u.sym.l + u.sym.r) / 2, dy = cy - (u.sym.t + u.sym.b) / 2;
      u.icon.classList.remove("mapper-grouped", "mapper-grouped-lead");
      u.icon.classList.add("mapper-spread");
      u.icon.style.translate = dx + "px " + dy + "px";
      var end = map.containerPointToLatLng([u.sym.l + dx - box.left, cy - box.top]);
      var at = u.marker.getLatLng();
      self.legs.addLayer(L.polyline([at, end], {color: "#222", weight: 1.2, interactive: false}));
      self.legs.addLayer(L.circleMarker(at, {radius: 3, color: "#222", weight: 1, fillColor: "#fff",
                                              fillOpacity: 1, interactive: false}));
    });
    this.labels();
  };

  /* Every label in priority order: [element, kind, ...] with what placing it needs. */
  Declutter.prototype.candidates = function (units) {
    var out = [], view = this.map.getContainer().getBoundingClientRect();
    var open = this.open;
    function visible(r) {
      return shown(r) && r.r > view.left && r.l < view.right && r.b > view.top && r.t < view.bottom;
    }
    var spread = [], stacked = [], rest = [];
    units.forEach(function (u) {
      if (!u.label || u.icon.classList.contains("mapper-grouped")) { return; }
      var isOpen = open && open.members.some(function (m) { return m.marker === u.marker; });
      (isOpen ? spread : rest).push(u);
    });
    this.groups.forEach(function (g) {
      if (g !== open && g.stack._icon) {
        var el = g.stack._icon;
        stacked.push({unit: el.querySelector(".mapper-unit"), label: el.querySelector(".mapper-unit-label"),
                      troops: g.members[0].troops, force: g.members[0].force});
      }
    });
    var all = spread.concat(stacked, rest);
    all.sort(function (a, b) {
      return (spread.indexOf(b) >= 0) - (spread.indexOf(a) >= 0) || (b.force - a.force) || (b.troops - a.troops);
    });
    all.forEach(function (u) {
      var s = rect(u.unit), l = rect(u.label);
      if (!visible(s) && !visible(l)) { return; }
      var side = l.t >= s.b - 1 ? "b" : l.b <= s.t + 1 ? "t" : l.l >= s.r - 1 ? "r" : "l";
      out.push({el: u.label, unit: true, sym: s, box: l, side: side, fixed: spread.indexOf(u) >= 0});
    });
    var places = this.map.getContainer().querySelectorAll(".mapper-place");
    var rows = [];
    for (var i = 0; i < places.length; i++) {
      var name = places[i].querySelector(".mapper-place-name");
      if (!name) { continue; }
      var r = rect(name);
      if (!visible(r)) { continue; }
      var p = places[i].getBoundingClientRect(), own = places[i].getAttribute("data-side");
      if (!own) {
        own = PLACE_SIDES.find(function (sd) { return places[i].classList.contains("mapper-place-" + sd); });
        places[i].setAttribute("data-side", own || "r");
      }
      rows.push({el: name, place: places[i], unit: false, box: r, x: p.left, y: p.top,
                 side: own || "r", rank: +name.getAttribute("data-rank")});
    }
    rows.sort(function (a, b) { return a.rank - b.rank; });
    return out.concat(rows);
  };

  /* Put each label on the first free side or hide it; symbols are obstacles for every label. */
  Declutter.prototype.labels = function () {
    var c = this.map.getContainer();
    var hidden = c.querySelectorAll(".mapper-dc-hidden");
    for (var i = 0; i < hidden.length; i++) { hidden[i].classList.remove("mapper-dc-hidden"); }
    var moved = c.querySelectorAll(".mapper-unit-label.mapper-dc-b, .mapper-unit-label.mapper-dc-t, " +
                                   ".mapper-unit-label.mapper-dc-l, .mapper-unit-label.mapper-dc-r, " +
                                   ".mapper-place[data-moved]");
    for (i = 0; i < moved.length; i++) {
      var m = moved[i];
      if (m.classList.contains("mapper-place")) {
        PLACE_SIDES.forEach(function (sd) { m.classList.remove("mapper-place-" + sd); });
        m.classList.add("mapper-place-" + m.getAttribute("data-side"));
        m.removeAttribute("data-moved");
      } else {
        m.classList.remove("mapper-dc-b", "mapper-dc-t", "mapper-dc-l", "mapper-dc-r");
      }
    }
    var units = this.units();
    var symbols = [];
    units.forEach(function (u) {
      if (!u.icon.classList.contains("mapper-grouped")) { symbols.push(rect(u.unit)); }
    });
    this.groups.forEach(function (g) {
      if (g.stack._icon && !g.stack._icon.classList.contains("mapper-stack-open")) {
        symbols.push(rect(g.stack._icon.querySelector(".mapper-unit")));
      }
    });
    var placed = [], writes = [], all = this.candidates(units), view = rect(c);
    // priority places (oblast centres, capitals, front-zone towns) where they are now: a unit label takes the free
    // side that covers the fewest of them (those it covers then move or hide)
    var reserved = all.filter(function (k) { return !k.unit && k.place.classList.contains("mapper-place-key"); })
      .map(function (k) { return k.box; });
    all.forEach(function (k) {
      var w = k.box.r - k.box.l, h = k.box.b - k.box.t, sides, own = k.side;
      if (k.fixed) { placed.push(k.box); return; }  // a spread group's labels: what the user asked to see
      if (k.unit) {
        sides = [own].concat(["b", "r", "l", "t"].filter(function (x) { return x !== own; }));
      } else {
        sides = [own].concat(PLACE_SIDES.filter(function (x) { return x !== own; }));
      }
      var best = -1, bestBox = null, bestCost = Infinity;
      for (var j = 0; j < sides.length && bestCost > 0; j++) {
        var b = j === 0 ? k.box : k.unit ? sideBox(sides[j], k.sym, w, h) : placeBox(sides[j], k.x, k.y, w, h);
        var free = !placed.some(function (q) { return hit(q, b, PAD); }) &&
          !symbols.some(function (s) { return (!k.sym || s.l !== k.sym.l || s.t !== k.sym.t) && hit(s, b, 0); });
        // a unit label that would run off the map (cut at its edge) is the worst free choice
        var cost = free && k.unit ? reserved.filter(function (q) { return hit(q, b, PAD); }).length +
          (b.l < view.l || b.r > view.r || b.t < view.t || b.b > view.b ? 1000 : 0) : 0;
        if (free && cost < bestCost) { best = j; bestBox = b; bestCost = cost; }
      }
      if (best >= 0) {
        placed.push(bestBox);
        if (best) { writes.push([k, sides[best]]); }
        return;
      }
      writes.push([k, null]);
    });
    writes.forEach(function (wr) {
      var k = wr[0], side = wr[1];
      if (side === null) { k.el.classList.add("mapper-dc-hidden"); }
      else if (k.unit) { k.el.classList.add("mapper-dc-" + side); }
      else {
        PLACE_SIDES.forEach(function (sd) { k.place.classList.remove("mapper-place-" + sd); });
        k.place.classList.add("mapper-place-" + side);
        k.place.setAttribute("data-moved", "1");
      }
    });
    this.runs += 1;
    c.setAttribute("data-declutter-runs", String(this.runs));
  };

  Declutter.prototype.run = function (regroup) {
    if (this.busy) { return; }
    this.busy = true;
    try {
      if (regroup) { this.group(); }
      this.labels();
    } finally { this.busy = false; }
  };

  Declutter.prototype.start = function () {
    var self = this, map = this.map;
    this.legs.addTo(map);
    this.stacks.addTo(map);
    function later() {  // layers come and go in bursts (a legend checkbox adds a whole group): one run after
      if (self.busy || self.pending) { return; }
      self.pending = setTimeout(function () { self.pending = 0; self.run(true); }, 0);
    }
    map.on("zoomstart", function () { self.collapse(); });
    map.on("zoomend", function () { self.run(true); });
    map.on("moveend", function () { if (!self.busy) { self.labels(); } });
    map.on("layeradd layerremove overlayadd overlayremove", function (e) {
      var l = e.layer;
      if (self.busy || l === self.stacks || l === self.legs || self.stacks.hasLayer(l) || self.legs.hasLayer(l) ||
          l instanceof L.Tooltip || l instanceof L.Popup) { return; }
      later();
    });
    map.on("click", function () { self.collapse(); });
    map.getContainer().addEventListener("keydown", function (e) { if (e.key === "Escape") { self.collapse(); } });
    this.run(true);
  };

  window.mapperDeclutter = function (map) {
    var d = new Declutter(map);
    function go() { setTimeout(function () { d.start(); }, 0); }
    if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", go); } else { go(); }
    return d;
  };
})();
