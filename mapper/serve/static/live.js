// mapper serve: live reload, the problems banner and editing on the map, for the pages of `mapper serve`.
// Reads its configuration from #mapper-serve-config (JSON made by the server); every text it shows is set with
// textContent. Writes send this run's token in the X-Mapper-Token header (never a cookie).
(function () {
  "use strict";
  var node = document.getElementById("mapper-serve-config");
  if (!node) return;
  var cfg = JSON.parse(node.textContent);
  var api = { version: cfg.version, hash: cfg.hash, ready: false, drawnAt: null };
  window.mapperServe = api;
  var VIEW_KEY = "mapper-serve-view:" + cfg.file, EDIT_KEY = "mapper-serve-edit";

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function store(kind) {
    try { return window[kind]; } catch (e) { return null; }
  }

  // -- the banner: problems of the file as it is now, and short notices --------------------------------------
  var banner = el("div", "mapper-serve-banner");
  banner.setAttribute("role", "status");
  banner.hidden = true;
  document.body.insertBefore(banner, document.body.firstChild);
  function showProblems(errors) {
    banner.textContent = "";
    if (!errors || !errors.length) { banner.hidden = true; return; }
    banner.appendChild(el("strong", null, cfg.page === "map" || cfg.page === "compare"
      ? "This file has problems; the map below is its last good version:"
      : "This file has problems:"));
    banner.appendChild(el("pre", "mapper-serve-problems", errors.join("\n")));
    banner.className = "mapper-serve-banner mapper-serve-bad";
    banner.hidden = false;
  }
  var noticeTimer = null;
  function notice(text, bad, lines) {
    banner.textContent = "";
    banner.appendChild(el("strong", null, text));
    if (lines && lines.length) banner.appendChild(el("pre", "mapper-serve-problems", lines.join("\n")));
    banner.className = "mapper-serve-banner " + (bad ? "mapper-serve-bad" : "mapper-serve-note");
    banner.hidden = false;
    clearTimeout(noticeTimer);
    if (!bad) noticeTimer = setTimeout(function () { showProblems(cfg.errors); }, 2500);
  }
  showProblems(cfg.errors);
  var fixedPre = document.getElementById("mapper-serve-problems");

  // -- live updates ------------------------------------------------------------------------------------------
  function theMap() {
    if (!window.L) return null;
    for (var k in window) {
      try { if (window[k] instanceof window.L.Map) return window[k]; } catch (e) { /* cross-origin globals */ }
    }
    return null;
  }
  var map = theMap();
  function saveView() {
    var s = store("sessionStorage");
    if (map && s) s.setItem(VIEW_KEY, JSON.stringify(currentView()));
  }
  function reload() { saveView(); window.location.reload(); }

  // The new version of this page replaces the old one in place: the same libraries stay loaded (the head is
  // kept), the old map is removed (Leaflet unbinds its controls' and layers' listeners), the new body is put in
  // and its inline scripts run, which build the new map. About half the time of a full reload, which remains
  // the fallback (any failure, a different head, or every SOFT_LIMIT updates, to drop what old pages left).
  var SOFT_LIMIT = 25, softCount = 0;
  // The user's view is kept: the page's initial fit (mapper.fitView in controls.js, which tries zoom after zoom)
  // is replaced, for the next map only, by setting that view, and marks the map fitted as it would. For an
  // update in place (atStart), the new map is made at that view (L.map, for its next call only) instead:
  // setting the view afterwards projects and redraws every path and lays out the labels once more (40-90 ms
  // for this map). When the page's scripts then change the map's size (docking moves it into a narrower box:
  // invalidateSize), its map pane is placed where setting the view at the new size would put it (whole
  // pixels, as Leaflet's own), so every layer is on screen exactly where setView would draw it; the fit
  // checks that and sets the view only if it is not so (another zoom, a pan in between).
  var keptView = null;
  function origin(m, view) {
    // the pixel origin that setView(view) gives the map at its current size
    return m.project([view.lat, view.lng], view.zoom).subtract(m.getSize().divideBy(2)).round();
  }
  function atView(m, view) {
    var P = window.L.DomUtil.getPosition(m.getPane("mapPane"));
    return m.getZoom() === view.zoom && m.getPixelOrigin().subtract(P).equals(origin(m, view));
  }
  function keepView(view, atStart) {
    var M = window.mapper, fit = M && M.fitView, L = window.L, make = L && L.map, made = null;
    if (!fit) return;
    if (atStart && make) {
      L.map = function (id, options) {
        L.map = make;
        made = make.call(this, id, L.extend({}, options, { center: [view.lat, view.lng], zoom: view.zoom }));
        made.invalidateSize = function (o) {
          // keep the centre (pan: the renderers follow, on moveend), then the last fraction of a pixel
          var out = L.Map.prototype.invalidateSize.call(this, L.extend({}, o, { pan: true }));
          var P = this.getPixelOrigin().subtract(origin(this, view));
          if (this.getZoom() === view.zoom && P.distanceTo(L.DomUtil.getPosition(this.getPane("mapPane"))) <= 1.5) {
            L.DomUtil.setPosition(this.getPane("mapPane"), P);
          }
          return out;
        };
        return made;
      };
    }
    M.fitView = function (m) {
      M.fitView = fit;
      if (L && L.map !== make) L.map = make;  // not used (another page): put back
      if (made) delete made.invalidateSize;
      if (!(m === made && atView(m, view))) m.setView([view.lat, view.lng], view.zoom, { animate: false });
      keptView = { lat: view.lat, lng: view.lng, zoom: view.zoom, map: m };
      M.view = { zoom: view.zoom, labelsClear: false, fitted: true, kept: true };
      m.getContainer().setAttribute("data-mapper-view", "fitted");
      fitted();
      return M.view;
    };
  }
  function currentView() {
    // the map's view, or the exact one it was given if it has not moved since (within a pixel)
    if (keptView && keptView.map === map && atView(map, keptView)) {
      return { lat: keptView.lat, lng: keptView.lng, zoom: keptView.zoom };
    }
    var c = map.getCenter();
    return { lat: c.lat, lng: c.lng, zoom: map.getZoom() };
  }
  function headKey(d) {
    return Array.prototype.map.call(d.head.querySelectorAll("script, style, link"), function (e) {
      return e.tagName + (e.textContent || "").length + (e.getAttribute("href") || "");
    }).join("|");
  }
  function softUpdate() {
    if (cfg.page !== "map" || !map || ++softCount > SOFT_LIMIT) return Promise.reject(new Error("reload"));
    var steps = api.steps = { start: performance.now() };
    var mark = function (k) { steps[k] = performance.now(); };
    return fetch(window.location.pathname, { credentials: "omit", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error("status " + r.status); return r.text(); })
      .then(function (html) {
        mark("fetched");
        var doc = new DOMParser().parseFromString(html, "text/html");
        mark("parsed");
        var conf = doc.getElementById("mapper-serve-config");
        if (!conf || headKey(doc) !== headKey(document)) throw new Error("another page");
        var next = JSON.parse(conf.textContent);
        var view = currentView();
        var editing = !!handles, old = map;
        stopEditing(true);
        api.ready = false;
        // the old map leaves the page with its body now; it is removed (its layers and listeners unbound:
        // 20-40 ms for this map) once the new one is drawn, not while the user waits for it
        keepView(view, true);
        var nodes = Array.prototype.filter.call(doc.body.childNodes, function (n) {
          return !(n.tagName === "SCRIPT" && n.getAttribute("src"));  // this script stays as it is
        }).map(function (n) { return document.importNode(n, true); });
        document.body.replaceChildren.apply(document.body, nodes);
        document.title = doc.title;
        Array.prototype.forEach.call(document.body.querySelectorAll("script"), function (old) {
          if (old.type && old.type !== "text/javascript") return;
          var s = document.createElement("script");
          s.textContent = old.textContent;
          old.replaceWith(s);  // runs now, in order
        });
        mark("ran");
        document.body.insertBefore(banner, document.body.firstChild);
        if (bar) document.body.appendChild(bar);
        map = theMap();
        if (!map) throw new Error("no map");
        cfg.version = next.version; cfg.errors = next.errors; cfg.editable = next.editable;
        if (written === null || next.hash === written) { api.hash = next.hash; written = null; }
        showProblems(cfg.errors);
        return new Promise(function (resolve) {
          whenFitted(function () {
            mark("fitted");
            attachMap(editing);
            api.version = cfg.version;
            drawn(function () { old.remove(); });
            resolve();
          });
        });
      });
  }
  var updating = false, pending = false;
  function update() {
    // one update at a time; saves that come meanwhile are taken together by the next one
    if (updating) { pending = true; return; }
    updating = true;
    softUpdate().then(function () {
      updating = false;
      if (pending) { pending = false; update(); }
    }, reload);
  }
  var source = new EventSource("/events?after=" + encodeURIComponent(cfg.events));
  source.onmessage = function (ev) {
    var m = JSON.parse(ev.data);
    if (cfg.page === "index" || cfg.page === "compare-all") {
      if (m.type === "index" || m.ok) reload();
      return;
    }
    if (m.type !== "change" || m.file !== cfg.file) return;
    api.eventAt = Date.now();  // when the server announced it (the benchmark splits server and page time)
    if (m.ok) { update(); return; }
    cfg.errors = m.errors; api.hash = m.hash; cfg.editable = false;
    if (fixedPre) fixedPre.textContent = m.errors.join("\n");
    showProblems(m.errors);
    if (handles) stopEditing(true);
  };
  window.addEventListener("beforeunload", function () { source.close(); });

  // Drawn: when the frame that shows the new map has been painted. A message posted from the frame's
  // animation callback is handled right after that frame's rendering (style, layout, paint), without waiting
  // for the next frame to begin (a second requestAnimationFrame: up to one more frame, 16 ms at 60 Hz).
  function afterPaint(then) {
    requestAnimationFrame(function () {
      var ch = new MessageChannel();
      ch.port1.onmessage = then;
      ch.port2.postMessage(null);
    });
  }
  function drawn(after) {
    afterPaint(function () {
      api.ready = true;
      api.drawnAt = Date.now();
      if (api.steps) api.steps.drawn = performance.now();
      document.documentElement.setAttribute("data-mapper-serve-ready", String(cfg.version));
      if (after) setTimeout(after, 0);
    });
  }
  // The map's initial view is set by the page's own fitView, a turn after its scripts (it marks the container
  // data-mapper-view="fitted"), or by keepView's, which says so at once (fitted()); the attribute is watched
  // for the page's own, with a bound of 1 s.
  var waiting = [];
  function fitted() {
    var now = waiting;
    waiting = [];
    now.forEach(function (f) { f(); });
  }
  function whenFitted(then) {
    if (!map) { then(); return; }
    var c = map.getContainer();
    if (c.getAttribute("data-mapper-view") === "fitted") { then(); return; }
    var done = false, watch = new MutationObserver(function () {
      if (c.getAttribute("data-mapper-view") === "fitted") finish();
    });
    var bound = setTimeout(finish, 1000);
    function finish() {
      if (done) return;
      done = true;
      watch.disconnect();
      clearTimeout(bound);
      then();
    }
    waiting.push(finish);
    watch.observe(c, { attributes: true, attributeFilter: ["data-mapper-view"] });
  }
  var session = store("sessionStorage"), saved = null;
  try { saved = session && JSON.parse(session.getItem(VIEW_KEY) || "null"); } catch (e) { saved = null; }
  if (map && saved && typeof saved.lat === "number") keepView(saved);  // after a reload: the view before it
  whenFitted(function () {
    if (map && cfg.page === "map") {
      makeBar();
      var st = store("sessionStorage");
      attachMap(!!(st && st.getItem(EDIT_KEY) === "1"));
    }
    drawn();
  });

  // -- writes --------------------------------------------------------------------------------------------------
  // One write at a time, in the order they were asked for: each is sent when the one before it has answered,
  // with the file's hash as that answer left it. So Ctrl+Z pressed right after a drag undoes that drag (sent
  // earlier, it would carry the hash from before the drag and be refused as a stale page).
  var queue = Promise.resolve(), reloading = false;
  // the hash our last write left the file at, until a version of the page made from it is in place: a page
  // fetched meanwhile (made before that write) does not take the page's hash back
  var written = null;
  function send(what, body) {
    if (reloading) return Promise.resolve({ status: 409, body: { ok: false, reload: true } });
    body.base = api.hash;  // the page's copy of the file's content hash (api.hash: tests may change it)
    api.writing = true;
    return fetch("/api/" + what + "/" + encodeURIComponent(cfg.file), {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Mapper-Token": cfg.token },
      body: JSON.stringify(body),
      credentials: "omit",
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; });
    }).then(function (res) {
      if (res.status === 200) {
        api.hash = written = res.body.hash;
        notice(what === "undo" ? "Undone: the previous version is back in the file." : "Saved to the file.", false);
      } else if (res.status === 409 && res.body.reload) {
        reloading = true;
        notice(res.body.error, true);
        setTimeout(reload, 1500);
      } else {
        notice(res.body.error || ("refused (" + res.status + ")"), true, res.body.errors);
      }
      return res;
    });
  }
  function post(what, body) {
    var run = function () { return send(what, body); };
    var res = queue.then(run, run);
    queue = res.then(idle, idle);
    return res;
  }
  function idle() { api.writing = false; }
  api.edit = function (body) { return post("edit", body); };
  api.undo = function () { return post("undo", {}); };
  api.move = function (keypath, lat, lon) {
    return post("edit", { op: "move", keypath: keypath, lat: round(lat), lon: round(lon) });
  };
  function round(x) { return Math.round(x * 1e5) / 1e5; }

  document.addEventListener("keydown", function (ev) {
    var t = ev.target, typing = t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA");
    if ((ev.ctrlKey || ev.metaKey) && !ev.shiftKey && (ev.key === "z" || ev.key === "Z") && !typing) {
      if (cfg.page !== "map") return;
      ev.preventDefault();
      api.undo();
    }
  });

  // -- editing on the map ----------------------------------------------------------------------------------
  var handles = null, sites = [], options = [], kinds = [], echelons = [], phases = [], adding = false, bar = null;

  function ask(text, choices) {
    // a small dialog with a button per choice; resolves with the chosen value
    return new Promise(function (resolve) {
      var d = el("div", "mapper-serve-dialog");
      d.setAttribute("role", "dialog");
      d.appendChild(el("p", null, text));
      choices.forEach(function (c) {
        var b = el("button", null, c[1]);
        b.type = "button";
        b.setAttribute("data-choice", c[0]);
        b.onclick = function () { d.remove(); resolve(c[0]); };
        d.appendChild(b);
      });
      document.body.appendChild(d);
    });
  }

  function makeBar() {
    bar = el("div", "mapper-serve-bar");
    var toggle = el("button", "mapper-serve-toggle", "Edit on map");
    toggle.type = "button";
    toggle.onclick = function () { if (handles) stopEditing(false); else startEditing(); };
    // "Add force" / "Add hub", then a click on the map: the form for the new item, at that point
    var addButton = function (cls, label, what) {
      var b = el("button", cls, label);
      b.type = "button";
      b.onclick = function () {
        if (!handles) return;
        adding = what;
        notice("Click on the map where the new " + what + " goes.", false);
      };
      return b;
    };
    var add = addButton("mapper-serve-add", "Add force", "force");
    var addHub = addButton("mapper-serve-add-hub", "Add hub", "hub");
    var undo = el("button", "mapper-serve-undo", "Undo (Ctrl+Z)");
    undo.type = "button";
    undo.onclick = function () { api.undo(); };
    var links = [["All scenarios", "/"], ["Comparison", "/compare/"], ["Analysis", "/analysis/"]].map(function (x) {
      var a = el("a", null, x[0]);
      a.href = x[1] === "/" ? "/" : x[1] + encodeURIComponent(cfg.file);
      return a;
    });
    links.concat([toggle, add, addHub, undo]).forEach(function (b) { bar.appendChild(b); });
    document.body.appendChild(bar);
  }

  function attachMap(editing) {
    // what the editor adds to each map (a new one after every in-place update)
    map.createPane("mapperServe").style.zIndex = 700;
    map.createPane("mapperServeShapes").style.zIndex = 450;  // the outlines of shapes (shapes.js): over the
    // drawn shapes (400), under the markers (600) and the handles
    map.on("click", function (ev) {
      if (!handles || !adding) return;
      var what = adding;
      adding = false;
      openForm(null, ev.latlng, what);
    });
    if (editing) startEditing();
  }

  function startEditing() {
    if (!cfg.editable) { notice("Fix the file's problems before editing on the map.", true, cfg.errors); return; }
    return fetch("/api/sites/" + encodeURIComponent(cfg.file), { credentials: "omit" })
      .then(function (r) { return r.json(); })
      .then(function (j) {
        if (!j.editable || j.hash !== api.hash) { notice(j.reason || "The file changed: reloading.", true); return; }
        sites = j.sites; options = j.options; kinds = j.kinds; echelons = j.echelons; phases = j.phases || [];
        handles = window.L.layerGroup().addTo(map);
        // points of lines (through:) and areas (polygon:) first, the handles between them (to insert a point)
        // below them: a force at the same place is drawn above them all
        if (window.mapperServeShapes) window.mapperServeShapes.draw(j.shapes || [], shapeUi);
        (j.insertions || []).forEach(addMidpoint);
        (j.vertices || []).forEach(addHandle);
        sites.forEach(addHandle);
        bar.classList.add("mapper-serve-editing");
        var s = store("sessionStorage");
        if (s) s.setItem(EDIT_KEY, "1");
        api.editing = true;
      });
  }
  // what shapes.js (the forms of lines along rivers, areas and zones) uses of this script
  var shapeUi = {
    el: el, field: function () { return field.apply(null, arguments); }, edit: api.edit,
    group: function () { return handles; }, adding: function () { return !!adding; },
    closeForms: function () {
      var old = document.querySelector(".mapper-serve-form");
      if (old) old.remove();
    },
  };
  function stopEditing(keep) {
    if (handles) { handles.remove(); handles = null; }
    Array.prototype.forEach.call(document.querySelectorAll(".mapper-serve-form, .mapper-serve-dialog"), function (e) {
      e.remove();
    });
    if (bar) bar.classList.remove("mapper-serve-editing");
    var s = store("sessionStorage");
    if (s && !keep) s.removeItem(EDIT_KEY);
    api.editing = false;
  }

  function addHandle(site) {
    var vertex = site.site === "line" || site.site === "area", size = vertex ? 12 : 18;
    var icon = window.L.divIcon({ className: "mapper-serve-handle mapper-serve-" + site.site, iconSize: [size, size] });
    var m = window.L.marker([site.lat, site.lon], {
      icon: icon, draggable: true, pane: "mapperServe", title: site.name, keyboard: true, autoPan: true,
    });
    m.getElement && m.on("add", function () {
      var e = m.getElement();
      if (e) e.setAttribute("data-keypath", site.keypath);
    });
    m.on("dragend", function () { moved(site, m); });
    m.on("click", function () { if (vertex) pointForm(site); else openForm(site, null); });
    m.addTo(handles);
  }

  // Between every two consecutive points of a list (and from an area's last point back to its first) a
  // fainter, smaller round handle, halfway along the segment as the map draws it (the server says where:
  // the geodesic midpoint of a line's segment, the Web Mercator midpoint of an area's edge): dragged (or
  // clicked), it inserts a new point there, {lat, lon}. One insert per handle: a second click (a double click)
  // while its insert is on the way, or after it was made (the page's handles are then redrawn), does nothing.
  function addMidpoint(mid) {
    var icon = window.L.divIcon({ className: "mapper-serve-handle mapper-serve-mid", iconSize: [10, 10] });
    var m = window.L.marker([mid.lat, mid.lon], {
      icon: icon, draggable: true, pane: "mapperServe", title: mid.name, keyboard: true, autoPan: true,
    });
    m.on("add", function () {
      var e = m.getElement();
      if (e) e.setAttribute("data-insert", mid.keypath);
    });
    var state = "ready";  // → "sending" → "done" (or back to "ready" if refused)
    var insert = function (p) {
      if (state !== "ready") return;
      state = "sending";
      var e = m.getElement();
      if (e) e.classList.add("mapper-serve-busy");
      api.edit({ op: "insert", keypath: mid.keypath, lat: round(p.lat), lon: round(p.lng) }).then(function (r) {
        if (r.status === 200) { state = "done"; return; }
        state = "ready";
        if (e) e.classList.remove("mapper-serve-busy");
        m.setLatLng([mid.lat, mid.lon]);
      });
    };
    m.on("dragend", function () { insert(m.getLatLng()); });
    m.on("click", function () { insert(m.getLatLng()); });
    m.addTo(handles);
  }

  function pointForm(site) {
    // a point of a line or an area: its name and "Remove point" (after a confirmation)
    var old = document.querySelector(".mapper-serve-form");
    if (old) old.remove();
    var form = el("form", "mapper-serve-form");
    form.appendChild(el("strong", null, (site.site === "line" ? "Point of the line " : "Point of the area ") + site.name));
    if (site.place) form.appendChild(el("span", null, "At " + site.place + " (by name)"));
    var del = el("button", "mapper-serve-delete", "Remove point");
    del.type = "button";
    del.onclick = function () {
      if (window.confirm("Remove point " + site.name + " from the file?")) {
        api.edit({ op: "delete", keypath: site.keypath }).then(function (r) { if (r.status === 200) form.remove(); });
      }
    };
    var cancel = el("button", null, "Cancel");
    cancel.type = "button";
    cancel.onclick = function () { form.remove(); };
    form.appendChild(del);
    form.appendChild(cancel);
    form.onsubmit = function (ev) { ev.preventDefault(); };
    document.body.appendChild(form);
    del.focus();
  }

  function moved(site, m) {
    var p = m.getLatLng();
    var back = function () { m.setLatLng([site.lat, site.lon]); };
    var go = function () { return api.move(site.keypath, p.lat, p.lng).then(function (r) { if (r.status !== 200) back(); }); };
    if (site.placed_by !== "name") { go(); return; }
    ask(site.name + " is placed by name (" + site.place + "). Keep the name, or switch it to the coordinates " +
        "where you dropped it?", [["keep", "Keep the name (snap back)"], ["coordinates", "Use coordinates"]])
      .then(function (choice) { if (choice === "coordinates") go(); else back(); });
  }

  function field(form, label, name, value, choices) {
    var row = el("label", null, label + " ");
    var input;
    if (choices) {
      input = el("select");
      [""].concat(choices).forEach(function (c) {
        var o = el("option", null, c === "" ? "–" : c);
        o.value = c;
        input.appendChild(o);
      });
    } else {
      input = el("input");
      input.type = "text";
    }
    input.name = name;
    input.value = value === null || value === undefined ? "" : String(value);
    row.appendChild(input);
    form.appendChild(row);
    return input;
  }

  function openForm(site, latlng, adds) {
    // a force's or hub's form (site), or a new one's at latlng (adds: "force" or "hub")
    var old = document.querySelector(".mapper-serve-form");
    if (old) old.remove();
    var hub = site ? site.site === "hub" : adds === "hub";
    var form = el("form", "mapper-serve-form");
    form.appendChild(el("strong", null, site ? (hub ? "Hub: " : "Force: ") + site.name : hub ? "New hub" : "New force"));
    var inputs = {};
    inputs.name = field(form, "Name", "name", site ? site.name : "");
    inputs.nation = field(form, "Nation", "nation", site ? site.nation : "");
    if (!hub) {
      inputs.troops = field(form, "Troops", "troops", site ? site.troops : "");
      inputs.kind = field(form, "Kind", "kind", site ? site.kind : "", kinds);
      inputs.echelon = field(form, "Echelon", "echelon", site ? site.echelon : "", echelons);
    }
    windowFields(form, inputs, site);
    var opt = null;
    if (!site) opt = field(form, "Option", "option", options.length ? options[0].keypath : "", options.map(function (o) { return o.keypath; }));
    var save = el("button", null, "Save");
    save.type = "submit";
    form.appendChild(save);
    if (site) {
      var del = el("button", "mapper-serve-delete", "Delete");
      del.type = "button";
      del.onclick = function () {
        if (window.confirm("Delete " + site.name + " from the file?")) {
          form.remove();
          api.edit({ op: "delete", keypath: site.keypath });
        }
      };
      form.appendChild(del);
    }
    var cancel = el("button", null, "Cancel");
    cancel.type = "button";
    cancel.onclick = function () { form.remove(); };
    form.appendChild(cancel);
    form.onsubmit = function (ev) {
      ev.preventDefault();
      var fields = {};
      Object.keys(inputs).forEach(function (k) {
        var v = inputs[k].value;
        if (!site || String(site[k] === null || site[k] === undefined ? "" : site[k]) !== v) fields[k] = v;
      });
      var body = site
        ? { op: "set", keypath: site.keypath, fields: fields }
        : { op: "add", site: hub ? "hub" : "force", keypath: opt.value, lat: round(latlng.lat), lon: round(latlng.lng), fields: fields };
      if (save.disabled) return;  // one write per form: a double click on Save adds one force
      save.disabled = true;
      api.edit(body).then(function (r) { if (r.status === 200) form.remove(); else save.disabled = false; });
    };
    document.body.appendChild(form);
    inputs.name.focus();
  }

  // When the force or hub is present: a phase of the scenario's (the select, when it has phases), or from
  // and/or until (D+N, a date, a month). A phase sets its own days: choosing one empties and disables from and
  // until (the loader refuses both); written back in the item's place, checked by the loader like the rest.
  function windowFields(form, inputs, site) {
    var v = function (k) { return site ? site[k] : ""; };
    var current = v("phase");
    if (phases.length || current) {
      var names = phases.slice();
      if (current && names.indexOf(current) < 0) names.push(current);
      inputs.phase = field(form, "Phase", "phase", current, names);
    }
    inputs.from = field(form, "From", "from", v("from"));
    inputs.until = field(form, "Until", "until", v("until"));
    form.appendChild(el("span", "mapper-serve-hint", "Present during a phase, or from a day until a day " +
      "(not included): D+30, 2026-03-01 or 2026-03. All empty: always."));
    var sync = function () {
      var inPhase = !!(inputs.phase && inputs.phase.value);
      [inputs.from, inputs.until].forEach(function (i) {
        if (inPhase) i.value = "";
        i.disabled = inPhase;
        i.placeholder = inPhase ? "set by the phase" : "e.g. D+30";
      });
    };
    if (inputs.phase) inputs.phase.onchange = sync;
    sync();
  }
})();
