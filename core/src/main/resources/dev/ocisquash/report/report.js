(function () {
  'use strict';
  var D = JSON.parse(document.getElementById('data').textContent);
  var NS = 'http://www.w3.org/2000/svg';

  function human(b) {
    var u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'], i = 0;
    while (Math.abs(b) >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return (i ? b.toFixed(1) : b) + ' ' + u[i];
  }
  function el(n, a, p) {
    var e = document.createElementNS(NS, n);
    for (var k in a) { e.setAttribute(k, a[k]); }
    if (p) { p.appendChild(e); }
    return e;
  }
  function col(c) { return D.colours[c] || D.colours.other; }

  // Squarified treemap layout (Bruls, Huizing, van Wijk).
  function worst(row, w, sum) {
    var mx = 0, mn = Infinity;
    row.forEach(function (r) { mx = Math.max(mx, r.a); mn = Math.min(mn, r.a); });
    var s2 = sum * sum, w2 = w * w;
    return Math.max(w2 * mx / s2, s2 / (w2 * mn));
  }
  function squarify(items, x, y, w, h) {
    var out = [], total = 0;
    items.forEach(function (i) { total += i.s; });
    if (total <= 0 || w <= 0 || h <= 0) { return out; }
    var scale = w * h / total;
    var rest = items.map(function (i) { return {node: i, a: i.s * scale}; })
      .filter(function (r) { return r.a > 0; });
    while (rest.length) {
      var side = Math.min(w, h), row = [], sum = 0;
      while (rest.length) {
        var r = rest[0], ns = sum + r.a, nr = row.concat([r]);
        if (row.length && worst(nr, side, ns) > worst(row, side, sum)) { break; }
        row = nr; sum = ns; rest.shift();
      }
      if (w >= h) {
        var cw = sum / h, cy = y;
        row.forEach(function (r) { var rh = r.a / cw; out.push({node: r.node, x: x, y: cy, w: cw, h: rh}); cy += rh; });
        x += cw; w -= cw;
      } else {
        var rh2 = sum / w, cx = x;
        row.forEach(function (r) { var rw = r.a / rh2; out.push({node: r.node, x: cx, y: y, w: rw, h: rh2}); cx += rw; });
        y += rh2; h -= rh2;
      }
    }
    return out;
  }

  var svg = document.getElementById('treemap'), W = 1200, H = 600, path = [D.tree];
  var tip = document.getElementById('tip'), info = document.getElementById('info');
  var CH = 6.3, HEAD = 16;

  function fullPath(chain, n) {
    var names = chain.slice(1).map(function (c) { return c.n; });
    if (chain.length) { names.push(n.n); }
    return '/' + names.join('/');
  }
  function fit(label, w) {
    var max = Math.floor((w - 6) / CH);
    if (label.length <= max) { return label; }
    return max >= 4 ? label.slice(0, max - 1) + '\u2026' : null;
  }
  function describe(p, n) {
    return p + '  ' + human(n.s) + '  (' + (D.labels[n.c] || n.c) + ')';
  }
  function show(text, x, y) {
    info.textContent = text;
    tip.textContent = text;
    tip.hidden = false;
    var w = tip.offsetWidth;
    tip.style.left = Math.max(4, Math.min(x + 12, window.innerWidth - w - 8)) + 'px';
    tip.style.top = (y + 14) + 'px';
  }
  function hide() { tip.hidden = true; }
  function zoom(chain, n) {
    if (n.k) { path = chain.concat([n]); } else if (chain.length > path.length) { path = chain; } else { return; }
    draw();
    var first = svg.querySelector('.cell');
    if (first) { first.focus(); }
  }

  // One cell; a directory large enough gets a header with its label and its children drawn inside.
  function cell(n, b, depth, chain) {
    if (b.w < 1 || b.h < 1) { return; }
    var p = fullPath(chain, n), text = describe(p, n);
    var g = el('g', {'class': 'cell', tabindex: 0, 'data-path': p, 'data-depth': depth, 'aria-label': text}, svg);
    el('rect', {x: b.x, y: b.y, width: Math.max(0, b.w - 1), height: Math.max(0, b.h - 1), fill: col(n.c),
      'fill-opacity': depth ? 0.92 : 1, stroke: '#fff', 'stroke-width': 1}, g);
    el('title', {}, g).textContent = text;
    if (b.w >= 40 && b.h >= 14) {
      var lab = fit(n.n + ' ' + human(n.s), b.w) || fit(n.n, b.w);
      if (lab) {
        var t = el('text', {x: b.x + 4, y: b.y + 12, 'class': 'lbl', 'data-depth': depth}, g);
        t.textContent = lab;
      }
    }
    g.addEventListener('mousemove', function (ev) { show(text, ev.clientX, ev.clientY); });
    g.addEventListener('mouseleave', hide);
    g.addEventListener('focus', function () {
      var r = g.getBoundingClientRect();
      show(text, r.left, r.top);
    });
    g.addEventListener('blur', hide);
    g.addEventListener('click', function (ev) { ev.stopPropagation(); zoom(chain, n); });
    g.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); zoom(chain, n); }
    });
    if (n.k && b.w > 40 && b.h > HEAD + 24) {
      var inner = chain.concat([n]);
      squarify(n.k, b.x + 2, b.y + HEAD, b.w - 5, b.h - HEAD - 3).forEach(function (c) {
        cell(c.node, c, depth + 1, inner);
      });
    }
  }

  function draw() {
    while (svg.firstChild) { svg.removeChild(svg.firstChild); }
    hide();
    var cur = path[path.length - 1];
    squarify(cur.k || [cur], 0, 0, W, H).forEach(function (b) { cell(b.node, b, 0, cur.k ? path : path.slice(0, -1)); });
    var cr = document.getElementById('crumbs');
    cr.textContent = '';
    path.forEach(function (p, i) {
      var a = document.createElement('a');
      a.textContent = (i ? p.n : '/') + ' (' + human(p.s) + ')';
      a.tabIndex = 0;
      var go = function () { path = path.slice(0, i + 1); draw(); };
      a.addEventListener('click', go);
      a.addEventListener('keydown', function (ev) { if (ev.key === 'Enter') { go(); } });
      cr.appendChild(a);
      if (i < path.length - 1) { cr.appendChild(document.createTextNode(' \u203a ')); }
    });
  }
  svg.addEventListener('keydown', function (ev) {
    if ((ev.key === 'Escape' || ev.key === 'Backspace') && path.length > 1) {
      ev.preventDefault(); path = path.slice(0, -1); draw();
    }
  });
  // A link such as report.html#/usr/share opens the treemap zoomed to that directory, its first cell focused.
  (function () {
    var want = decodeURIComponent(location.hash.replace(/^#/, '')).split('/').filter(function (x) { return x; });
    var n = D.tree, chain = [D.tree];
    for (var i = 0; i < want.length; i++) {
      var next = (n.k || []).filter(function (c) { return c.n === want[i] && c.k; })[0];
      if (!next) { break; }
      chain.push(next);
      n = next;
    }
    path = chain;
    draw();
    if (chain.length > 1) {
      var first = svg.querySelector('.cell');
      if (first) { first.focus(); }
    }
  })();

  var present = {};
  (function walk(n) { present[n.c] = true; (n.k || []).forEach(walk); })(D.tree);
  var lg = document.getElementById('legend');
  Object.keys(D.colours).forEach(function (c) {
    if (!present[c]) { return; }
    var s = document.createElement('span'), sw = document.createElement('span');
    sw.className = 'sw';
    sw.style.background = D.colours[c];
    s.appendChild(sw);
    s.appendChild(document.createTextNode(D.labels[c]));
    lg.appendChild(s);
  });

  // Layer bars.
  var ls = document.getElementById('layers'), bh = 22, lw = 260, bw = 1200 - lw - 220, mx = 1;
  D.layers.forEach(function (l) { mx = Math.max(mx, l.live + l.wasted); });
  ls.setAttribute('height', D.layers.length * bh + 24);
  ls.setAttribute('viewBox', '0 0 1200 ' + (D.layers.length * bh + 24));
  D.layers.forEach(function (l, i) {
    var y = i * bh + 4;
    el('text', {x: 0, y: y + 14}, ls).textContent = l.i + ': ' + (l.by.length > 40 ? l.by.slice(0, 39) + '\u2026' : l.by);
    var w1 = bw * l.live / mx, w2 = bw * l.wasted / mx;
    var r1 = el('rect', {x: lw, y: y, width: w1, height: bh - 6, fill: '#4e79a7', 'class': 'bar-live'}, ls);
    el('title', {}, r1).textContent = 'live ' + human(l.live);
    var r2 = el('rect', {x: lw + w1, y: y, width: w2, height: bh - 6, fill: '#e15759', 'class': 'bar-wasted'}, ls);
    el('title', {}, r2).textContent = 'wasted ' + human(l.wasted);
    el('text', {x: lw + w1 + w2 + 6, y: y + 14}, ls).textContent = human(l.live) + ' live, ' + human(l.wasted) + ' wasted';
  });
  var ky = D.layers.length * bh + 18;
  el('rect', {x: lw, y: ky - 9, width: 10, height: 10, fill: '#4e79a7'}, ls);
  el('text', {x: lw + 14, y: ky}, ls).textContent = 'added, still live';
  el('rect', {x: lw + 130, y: ky - 9, width: 10, height: 10, fill: '#e15759'}, ls);
  el('text', {x: lw + 144, y: ky}, ls).textContent = 'added, hidden later (wasted)';

  document.body.setAttribute('data-ready', '1');
})();
