package dev.ocisquash.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ocisquash.model.Json;
import dev.ocisquash.squash.FlattenedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an {@link ImageAnalysis} as one self-contained HTML page: inline CSS, JavaScript and SVG, no network
 * access. It holds a zoomable treemap of the final tree coloured by known-bulk category (small children are
 * aggregated so the page stays small), a bar chart of live versus wasted bytes per layer, and the report tables.
 * When rendering is done the script sets {@code data-ready="1"} on {@code <body>}.
 */
public final class HtmlReport {
  /** At most this many tree nodes go into the page. */
  static final int MAX_NODES = 4000;
  /** Children smaller than this fraction of the whole tree are aggregated. */
  static final double MIN_FRACTION = 1.0 / 4000;

  private HtmlReport() {}

  /** Colours per category, "other" last. */
  private static final Map<String, String> COLOURS =
      Map.of(
          "jdk-src-zip", "#e15759",
          "pycache", "#f28e2b",
          "tests", "#edc948",
          "polars-runtime", "#b07aa1",
          "cross-toolchain", "#ff9da7",
          "conda-pkgs", "#9c755f",
          "bundled-jdk", "#76b7b2",
          "apt-lists", "#59a14f",
          "docs", "#bab0ac",
          "other", "#4e79a7");

  /** Writes the page to {@code file}. */
  public static void write(ImageAnalysis a, Path file) throws IOException {
    Files.writeString(file, render(a), StandardCharsets.UTF_8);
  }

  /** Renders the page. */
  public static String render(ImageAnalysis a) {
    ObjectNode data = Json.object();
    data.set("tree", tree(a));
    ArrayNode layers = data.putArray("layers");
    for (ImageAnalysis.Layer l : a.layers()) {
      layers
          .addObject()
          .put("i", l.index())
          .put("live", l.liveBytes())
          .put("wasted", l.wastedBytes())
          .put("by", Analyzer.shortCreatedBy(l.createdBy(), 60));
    }
    ObjectNode colours = data.putObject("colours");
    for (String c : KnownBulk.CATEGORIES) {
      colours.put(c, COLOURS.get(c));
    }
    colours.put("other", COLOURS.get("other"));
    String json = data.toString().replace("</", "<\\/").replace("<!--", "<\\!--");

    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    h.append("<title>ocisquash analyze: ").append(esc(a.source())).append("</title>\n");
    h.append("<style>\n").append(CSS).append("</style></head>\n<body data-ready=\"0\">\n");
    h.append("<h1>ocisquash analyze</h1><p class=\"src\">").append(esc(a.source())).append("</p>\n");
    h.append("<div class=\"cards\">");
    card(h, "compressed", TextReport.human(a.compressedBytes()));
    card(h, "final content", TextReport.human(a.finalContentBytes()));
    card(h, "wasted", TextReport.human(a.wastedBytes()));
    card(h, "efficiency", String.format(Locale.ROOT, "%.1f %%", a.efficiency() * 100));
    card(h, "squashed (est.)", "~" + TextReport.human(a.estimates().squashedCompressedBytes()));
    h.append("</div>\n");
    h.append("<h2>Final tree</h2><div id=\"crumbs\"></div><div id=\"legend\"></div>");
    h.append("<svg id=\"treemap\" width=\"1200\" height=\"600\" viewBox=\"0 0 1200 600\"></svg>\n");
    h.append("<h2>Layers: live vs wasted bytes</h2><svg id=\"layers\" width=\"1200\" height=\"10\"></svg>\n");

    h.append("<h2>Layers</h2><table><tr><th>#</th><th>compressed</th><th>tar</th><th>entries</th>"
        + "<th>whiteouts</th><th>content</th><th>wasted</th><th>created by</th></tr>\n");
    for (ImageAnalysis.Layer l : a.layers()) {
      h.append("<tr><td>").append(l.index()).append("</td>");
      td(h, TextReport.human(l.compressedBytes()));
      td(h, TextReport.human(l.uncompressedBytes()));
      td(h, String.valueOf(l.entries()));
      td(h, String.valueOf(l.whiteouts()));
      td(h, TextReport.human(l.contentBytes()));
      td(h, TextReport.human(l.wastedBytes()));
      h.append("<td class=\"l\">").append(esc(Analyzer.shortCreatedBy(l.createdBy(), 120))).append("</td></tr>\n");
    }
    h.append("</table>\n");

    h.append("<h2>Known bulk</h2><table><tr><th>what</th><th>size</th><th>files</th><th>handled by</th>"
        + "<th>largest</th></tr>\n");
    for (ImageAnalysis.BulkItem b : a.knownBulk()) {
      h.append("<tr><td class=\"l\"><span class=\"sw\" style=\"background:")
          .append(COLOURS.get(b.category())).append("\"></span>").append(esc(b.description())).append("</td>");
      td(h, TextReport.human(b.bytes()));
      td(h, String.valueOf(b.files()));
      String by = b.handledBy() == null ? "unknown (no strip support)"
          : b.handledBy().isEmpty() ? "no preset" : String.join(", ", b.handledBy());
      h.append("<td class=\"l\">").append(esc(by)).append("</td><td class=\"l\">")
          .append(b.paths().isEmpty() ? "" : esc("/" + b.paths().get(0).path())).append("</td></tr>\n");
    }
    h.append("</table>\n");
    sized(h, "Largest files", a.largestFiles(Integer.MAX_VALUE));
    sized(h, "Largest directories", a.largestDirectories(Integer.MAX_VALUE));
    if (a.duplicatesSearched()) {
      h.append("<h2>Duplicate content (").append(esc(TextReport.human(a.duplicateBytes())))
          .append(" repeated)</h2><table><tr><th>repeated</th><th>copies</th><th>paths</th></tr>\n");
      for (ImageAnalysis.DuplicateGroup d : a.duplicates().subList(0, Math.min(100, a.duplicates().size()))) {
        h.append("<tr>");
        td(h, TextReport.human(d.repeatedBytes()));
        td(h, String.valueOf(d.paths().size()));
        h.append("<td class=\"l\">").append(esc(String.join("  ", d.paths().subList(0, Math.min(5, d.paths().size())))))
            .append("</td></tr>\n");
      }
      h.append("</table>\n");
    }
    h.append("<script type=\"application/json\" id=\"data\">").append(json).append("</script>\n");
    h.append("<script>\n").append(JS).append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void card(StringBuilder h, String k, String v) {
    h.append("<div class=\"card\"><div class=\"k\">").append(esc(k)).append("</div><div class=\"v\">")
        .append(esc(v)).append("</div></div>");
  }

  private static void td(StringBuilder h, String s) {
    h.append("<td>").append(esc(s)).append("</td>");
  }

  private static void sized(StringBuilder h, String title, List<ImageAnalysis.SizedPath> rows) {
    h.append("<h2>").append(esc(title)).append("</h2><table><tr><th>size</th><th>path</th></tr>\n");
    for (ImageAnalysis.SizedPath p : rows) {
      h.append("<tr>");
      td(h, TextReport.human(p.bytes()));
      h.append("<td class=\"l\">").append(esc("/" + p.path())).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }

  /** A directory tree with sizes and per-category bytes, built from the final files. */
  private static final class Node {
    final String name;
    long size;
    Map<String, Node> children;
    Map<String, Long> cats = new HashMap<>(2);

    Node(String name) {
      this.name = name;
    }
  }

  private static ObjectNode tree(ImageAnalysis a) {
    Node root = new Node("/");
    List<FlattenedImage.Entry> t = a.finalTree();
    for (int i = 0; i < t.size(); i++) {
      FlattenedImage.Entry e = t.get(i);
      if (!e.isRegular() || !e.firstOfInode() || e.size() == 0) {
        continue;
      }
      String cat = a.categoryOf(i);
      cat = cat == null ? "other" : cat;
      Node n = root;
      add(n, e.size(), cat);
      for (String seg : e.path().split("/")) {
        if (n.children == null) {
          n.children = new HashMap<>();
        }
        n = n.children.computeIfAbsent(seg, Node::new);
        add(n, e.size(), cat);
      }
    }
    long min = Math.max(1, (long) (root.size * MIN_FRACTION));
    int[] budget = {MAX_NODES};
    return emit(root, min, budget);
  }

  private static void add(Node n, long size, String cat) {
    n.size += size;
    n.cats.merge(cat, size, Long::sum);
  }

  private static ObjectNode emit(Node n, long min, int[] budget) {
    budget[0]--;
    ObjectNode o = Json.object();
    o.put("n", n.name);
    o.put("s", n.size);
    String best = "other";
    long bestBytes = -1;
    for (Map.Entry<String, Long> c : n.cats.entrySet()) {
      if (c.getValue() > bestBytes) {
        best = c.getKey();
        bestBytes = c.getValue();
      }
    }
    o.put("c", best);
    if (n.children != null) {
      List<Node> kids = new ArrayList<>(n.children.values());
      kids.sort((x, y) -> Long.compare(y.size, x.size));
      ArrayNode arr = null;
      long restSize = 0;
      int restCount = 0;
      for (Node k : kids) {
        if (k.size >= min && budget[0] > 0) {
          if (arr == null) {
            arr = o.putArray("k");
          }
          arr.add(emit(k, min, budget));
        } else {
          restSize += k.size;
          restCount++;
        }
      }
      if (restCount > 0 && restSize > 0) {
        if (arr == null) {
          arr = o.putArray("k");
        }
        arr.addObject().put("n", "(" + restCount + " smaller)").put("s", restSize).put("c", "other")
            .put("agg", true);
        budget[0]--;
      }
    }
    return o;
  }

  private static final String CSS =
      "body{font:14px system-ui,sans-serif;margin:20px;color:#222;background:#fff}"
          + "h1{margin:0}h2{margin-top:28px;font-size:18px}.src{color:#666;margin-top:2px}"
          + ".cards{display:flex;gap:12px;flex-wrap:wrap}.card{border:1px solid #ddd;border-radius:6px;"
          + "padding:8px 14px}.card .k{color:#666;font-size:12px}.card .v{font-size:20px;font-weight:600}"
          + "table{border-collapse:collapse;margin-top:6px}td,th{border-bottom:1px solid #eee;padding:3px 8px;"
          + "text-align:right;white-space:nowrap}td.l,th:last-child{text-align:left;white-space:normal;"
          + "word-break:break-all}th{background:#f6f6f6}#treemap{border:1px solid #ccc;cursor:pointer;"
          + "max-width:100%;height:auto}#treemap text{pointer-events:none;font-size:11px;fill:#fff}"
          + "#crumbs a{cursor:pointer;color:#2a5db0;margin-right:4px}#legend span{margin-right:12px;"
          + "font-size:12px}.sw{display:inline-block;width:10px;height:10px;margin-right:4px;"
          + "vertical-align:middle}#layers text{font-size:11px}\n";

  private static final String JS =
      String.join(
          "\n",
          "(function(){",
          "'use strict';",
          "var D=JSON.parse(document.getElementById('data').textContent);",
          "var NS='http://www.w3.org/2000/svg';",
          "function human(b){var u=['B','KiB','MiB','GiB','TiB'],i=0;while(b>=1024&&i<u.length-1){b/=1024;i++;}"
              + "return (i?b.toFixed(1):b)+' '+u[i];}",
          "function el(n,a,p){var e=document.createElementNS(NS,n);for(var k in a){e.setAttribute(k,a[k]);}"
              + "if(p){p.appendChild(e);}return e;}",
          "function col(c){return D.colours[c]||D.colours.other;}",
          // squarified treemap layout
          "function worst(row,w,sum){var mx=0,mn=Infinity;row.forEach(function(r){mx=Math.max(mx,r.a);"
              + "mn=Math.min(mn,r.a);});var s2=sum*sum,w2=w*w;return Math.max(w2*mx/s2,s2/(w2*mn));}",
          "function squarify(items,x,y,w,h){var out=[],total=0;items.forEach(function(i){total+=i.s;});"
              + "if(total<=0){return out;}var scale=w*h/total;var rest=items.map(function(i){"
              + "return {node:i,a:i.s*scale};}).filter(function(r){return r.a>0;});",
          "while(rest.length){var side=Math.min(w,h),row=[],sum=0;",
          "while(rest.length){var r=rest[0],ns=sum+r.a;var nr=row.concat([r]);"
              + "if(row.length&&worst(nr,side,ns)>worst(row,side,sum)){break;}row=nr;sum=ns;rest.shift();}",
          "if(w>=h){var cw=sum/h,cy=y;row.forEach(function(r){var rh=r.a/cw;out.push({node:r.node,x:x,y:cy,w:cw,h:rh});"
              + "cy+=rh;});x+=cw;w-=cw;}else{var rh2=sum/w,cx=x;row.forEach(function(r){var rw=r.a/rh2;"
              + "out.push({node:r.node,x:cx,y:y,w:rw,h:rh2});cx+=rw;});y+=rh2;h-=rh2;}}",
          "return out;}",
          "var svg=document.getElementById('treemap'),W=1200,H=600,path=[D.tree];",
          "function draw(){while(svg.firstChild){svg.removeChild(svg.firstChild);}",
          "var cur=path[path.length-1];var kids=cur.k||[cur];",
          "squarify(kids,0,0,W,H).forEach(function(b){var n=b.node;",
          "var g=el('g',{'class':'node'},svg);",
          "var r=el('rect',{x:b.x,y:b.y,width:Math.max(0,b.w-1),height:Math.max(0,b.h-1),fill:col(n.c),"
              + "'data-path':n.n,stroke:'#fff','stroke-width':1},g);",
          "var t=el('title',{},r);t.textContent=n.n+'  '+human(n.s);",
          "if(n.k&&b.w>30&&b.h>30){squarify(n.k,b.x+2,b.y+16,b.w-5,b.h-19).forEach(function(c){"
              + "var cr=el('rect',{x:c.x,y:c.y,width:Math.max(0,c.w-1),height:Math.max(0,c.h-1),fill:col(c.node.c),"
              + "'fill-opacity':0.75,stroke:'#fff','stroke-width':0.5},g);var ct=el('title',{},cr);"
              + "ct.textContent=n.n+'/'+c.node.n+'  '+human(c.node.s);});}",
          "if(b.w>50&&b.h>14){var tx=el('text',{x:b.x+4,y:b.y+12},g);var lab=n.n+' '+human(n.s);"
              + "tx.textContent=lab.length*6.5>b.w?lab.slice(0,Math.max(1,Math.floor(b.w/6.5)-1))+'\\u2026':lab;}",
          "g.addEventListener('click',function(){if(n.k){path.push(n);draw();}});});",
          "var cr=document.getElementById('crumbs');cr.textContent='';path.forEach(function(p,i){",
          "var a=document.createElement('a');a.textContent=(i?p.n:'/')+' ('+human(p.s)+')';"
              + "a.addEventListener('click',function(){path=path.slice(0,i+1);draw();});cr.appendChild(a);"
              + "if(i<path.length-1){cr.appendChild(document.createTextNode(' \\u203a '));}});}",
          "draw();",
          "var lg=document.getElementById('legend');Object.keys(D.colours).forEach(function(c){"
              + "var s=document.createElement('span');var sw=document.createElement('span');sw.className='sw';"
              + "sw.style.background=D.colours[c];s.appendChild(sw);s.appendChild(document.createTextNode(c));"
              + "lg.appendChild(s);});",
          // layer bars
          "var ls=document.getElementById('layers'),bh=22,lw=260,bw=1200-lw-220;",
          "var mx=1;D.layers.forEach(function(l){mx=Math.max(mx,l.live+l.wasted);});",
          "ls.setAttribute('height',D.layers.length*bh+24);ls.setAttribute('viewBox','0 0 1200 '+(D.layers.length*bh+24));",
          "D.layers.forEach(function(l,i){var y=i*bh+4;",
          "var lab=el('text',{x:0,y:y+14},ls);lab.textContent=l.i+': '+(l.by.length>40?l.by.slice(0,39)+'\\u2026':l.by);",
          "var w1=bw*l.live/mx,w2=bw*l.wasted/mx;",
          "var r1=el('rect',{x:lw,y:y,width:w1,height:bh-6,fill:'#4e79a7','class':'bar-live'},ls);"
              + "el('title',{},r1).textContent='live '+human(l.live);",
          "var r2=el('rect',{x:lw+w1,y:y,width:w2,height:bh-6,fill:'#e15759','class':'bar-wasted'},ls);"
              + "el('title',{},r2).textContent='wasted '+human(l.wasted);",
          "var vt=el('text',{x:lw+w1+w2+6,y:y+14},ls);vt.textContent=human(l.live)+' live, '+human(l.wasted)+' wasted';});",
          "var ky=D.layers.length*bh+18;el('rect',{x:lw,y:ky-9,width:10,height:10,fill:'#4e79a7'},ls);"
              + "el('text',{x:lw+14,y:ky},ls).textContent='added, still live';"
              + "el('rect',{x:lw+130,y:ky-9,width:10,height:10,fill:'#e15759'},ls);"
              + "el('text',{x:lw+144,y:ky},ls).textContent='added, hidden later (wasted)';",
          "document.body.setAttribute('data-ready','1');",
          "})();",
          "");
}
