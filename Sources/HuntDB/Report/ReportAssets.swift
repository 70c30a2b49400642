/// The report's own style sheet and script, inlined into every page (nothing is fetched: the
/// file opens offline, and its Content-Security-Policy allows only this script, by hash).
enum ReportAssets {
    static let css = """
    :root{--fg:#1d2330;--muted:#5c6573;--line:#d8dde6;--bg:#f6f7f9;--card:#fff;--hit:#fff3c4;--accent:#2457c5}
    *{box-sizing:border-box}
    body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
    header{background:#1d2330;color:#fff;padding:16px 24px}
    header h1{margin:0 0 4px;font-size:20px}
    header p{margin:2px 0;color:#c9d1de}
    nav{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid var(--line);padding:6px 24px}
    nav a{margin-right:16px;color:var(--accent);text-decoration:none;font-weight:600}
    main{padding:8px 24px 48px;max-width:1400px}
    h2{margin:28px 0 8px;font-size:18px;border-bottom:2px solid var(--line);padding-bottom:4px}
    h3{margin:16px 0 6px;font-size:15px}
    table{border-collapse:collapse;background:#fff;margin:6px 0 12px;font-size:12.5px}
    th,td{border:1px solid var(--line);padding:3px 6px;text-align:left;vertical-align:top}
    th{background:#eef1f5;font-weight:600;white-space:nowrap}
    td{overflow-wrap:break-word;max-width:720px}
    code,pre,.mono{font-family:ui-monospace,"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:12px}
    pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#f3f4f7;border:1px solid var(--line);padding:6px;margin:4px 0}
    .note{color:var(--muted);font-size:12.5px}
    .stats{display:flex;gap:12px;flex-wrap:wrap;margin:10px 0}
    .stat{background:#fff;border:1px solid var(--line);border-radius:6px;padding:8px 14px;min-width:120px}
    .stat b{display:block;font-size:22px}
    .charts{display:flex;flex-wrap:wrap;gap:16px}
    figure.chart{background:#fff;border:1px solid var(--line);border-radius:6px;margin:0;padding:8px}
    figcaption{font-weight:600;margin-bottom:4px}
    svg .bar{fill:var(--accent)}
    svg .axis{font:11px system-ui,sans-serif;fill:var(--fg)}
    .blind td{background:#fde8e8}
    .badge{display:inline-block;border-radius:4px;padding:0 6px;font-size:12px;font-weight:700;color:#fff;background:#6b7280}
    .sev-critical{background:#7f1d1d}.sev-high{background:#b91c1c}.sev-medium{background:#c2570c}.sev-low{background:#2f6f3e}
    .controls{display:flex;gap:10px;flex-wrap:wrap;align-items:center;background:#fff;border:1px solid var(--line);padding:8px;border-radius:6px}
    .controls label{font-size:12.5px;color:var(--muted)}
    article.card{background:var(--card);border:1px solid var(--line);border-left:5px solid #c2570c;border-radius:6px;margin:12px 0;padding:10px 14px}
    article.card[hidden],tr[hidden]{display:none}
    article.card.sev-high{border-left-color:#b91c1c}article.card.sev-low{border-left-color:#2f6f3e}article.card.sev-critical{border-left-color:#7f1d1d}
    article.card{overflow-x:auto}
    article.card h3{margin:0 0 6px}
    .chain{display:flex;flex-wrap:wrap;align-items:center;gap:6px;margin:4px 0}
    .chain .node{border:1px solid var(--line);border-radius:4px;padding:2px 8px;background:#f8fafc}
    .chain .arrow{color:var(--muted)}
    .alert{border-top:1px dashed var(--line);padding:6px 0}
    .alert:first-of-type{border-top:0}
    table.timeline td{white-space:nowrap}
    table.timeline td:last-child{white-space:normal;overflow-wrap:anywhere;min-width:320px}
    tr.hit td{background:var(--hit);font-weight:600}
    details summary{cursor:pointer;color:var(--accent);margin:4px 0}
    .tree li{list-style:none;margin:2px 0}
    .ok{color:#2f6f3e;font-weight:600}.warn{color:#b91c1c;font-weight:600}
    @media print{nav,.controls{display:none}article.card[hidden]{display:block}tr[hidden]{display:table-row}}
    """

    /// Filters, sorts and pages the alert cards and the rows of the other alerts. It reads
    /// data attributes and sets text only (never markup), and marks the body `data-ready` when
    /// it ran.
    static let script = """
    (function () {
      "use strict";
      var byId = function (id) { return document.getElementById(id); };
      var list = byId("cards");
      if (!list) { return; }
      var cards = Array.prototype.slice.call(list.querySelectorAll("article.card"));
      var table = byId("rows");
      var rows = table ? Array.prototype.slice.call(table.tBodies[0].rows) : [];
      var host = byId("f-host"), rule = byId("f-rule"), severity = byId("f-severity");
      var sort = byId("f-sort"), size = byId("f-size");
      var cardPage = 0, rowPage = 0, rowsPerPage = 200;
      // Rows keep severity, rule and host in their first cells (attributes would double the bytes).
      var cell = { "data-severity": 0, "data-rule": 1, "data-host": 2 };
      function field(item, attribute) {
        return item.tagName === "TR" ? item.cells[cell[attribute]].textContent : item.getAttribute(attribute);
      }
      function fill(select, attribute) {
        var values = {};
        cards.concat(rows).forEach(function (item) { values[field(item, attribute)] = true; });
        Object.keys(values).sort().forEach(function (value) {
          var option = document.createElement("option");
          option.value = value;
          option.textContent = value;
          select.appendChild(option);
        });
      }
      fill(host, "data-host");
      fill(rule, "data-rule");
      fill(severity, "data-severity");
      var orders = {
        time: function (a, b) { return Number(a.getAttribute("data-time")) - Number(b.getAttribute("data-time")); },
        severity: function (a, b) { return Number(a.getAttribute("data-rank")) - Number(b.getAttribute("data-rank")) || orders.time(a, b); },
        host: function (a, b) { return a.getAttribute("data-host").localeCompare(b.getAttribute("data-host")) || orders.time(a, b); },
        count: function (a, b) { return Number(b.getAttribute("data-count")) - Number(a.getAttribute("data-count")) || orders.time(a, b); }
      };
      function matches(item) {
        return (!host.value || field(item, "data-host") === host.value) &&
          (!rule.value || field(item, "data-rule") === rule.value) &&
          (!severity.value || field(item, "data-severity") === severity.value);
      }
      function page(items, index, perPage, parent) {
        var pages = Math.max(1, Math.ceil(items.length / perPage));
        index = Math.min(index, pages - 1);
        items.forEach(function (item, position) {
          if (parent) { parent.appendChild(item); }
          item.hidden = position < index * perPage || position >= (index + 1) * perPage;
        });
        return { index: index, pages: pages };
      }
      function apply() {
        var shown = cards.filter(matches).sort(orders[sort.value] || orders.time);
        cards.forEach(function (card) { card.hidden = true; });
        var perPage = size.value === "all" ? Math.max(shown.length, 1) : Number(size.value);
        var at = page(shown, cardPage, perPage, list);
        cardPage = at.index;
        var alerts = shown.reduce(function (sum, card) { return sum + Number(card.getAttribute("data-count")); }, 0);
        byId("f-status").textContent = shown.length + " of " + cards.length + " cards (" + alerts + " alerts), page " + (cardPage + 1) + " of " + at.pages;
        if (table) {
          var matching = rows.filter(matches);
          rows.forEach(function (row) { row.hidden = true; });
          var rowAt = page(matching, rowPage, size.value === "all" ? Math.max(matching.length, 1) : rowsPerPage, null);
          rowPage = rowAt.index;
          byId("r-status").textContent = matching.length + " of " + rows.length + " other alerts, page " + (rowPage + 1) + " of " + rowAt.pages;
        }
      }
      [host, rule, severity, sort, size].forEach(function (select) {
        select.addEventListener("change", function () { cardPage = 0; rowPage = 0; apply(); });
      });
      byId("f-prev").addEventListener("click", function () { if (cardPage > 0) { cardPage -= 1; apply(); } });
      byId("f-next").addEventListener("click", function () { cardPage += 1; apply(); });
      if (table) {
        byId("r-prev").addEventListener("click", function () { if (rowPage > 0) { rowPage -= 1; apply(); } });
        byId("r-next").addEventListener("click", function () { rowPage += 1; apply(); });
      }
      apply();
      document.body.setAttribute("data-ready", "1");
    })();
    """
}
