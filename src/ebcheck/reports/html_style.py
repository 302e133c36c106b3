"""The look and the optional behaviour of the HTML report: its stylesheet and its script.

Both are constants, so the page's Content-Security-Policy can allow exactly
this script by its SHA-256 hash and nothing else: no network request of any
kind, no other script, inline styles only. The script only sorts tables, opens
the deal a link points to and opens every deal before printing; the page
reads the same without it.
"""

from __future__ import annotations

import base64
import hashlib

FONTS = (
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, '
    '"PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", '
    '"Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif'
)
"""A system font stack that renders Chinese on macOS, Windows and Linux (no web font)."""

CSS = (
    """
:root { --ink: #202124; --muted: #5f6368; --line: #dadce0; --paper: #fff; --tint: #f8f9fa;
  --not_ready: #c5221f; --at_risk: #e37400; --ready: #188038; --early: #1a73e8;
  --closed: #5f6368; --invalid: #9334e6; }
* { box-sizing: border-box; }
html { font-family: FONTS; color: var(--ink); background: var(--tint); line-height: 1.45; }
body { margin: 0; }
header.page { background: #1f2a44; color: #fff; padding: 20px 32px; }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page p { margin: 0; opacity: .85; }
main { max-width: 1200px; margin: 0 auto; padding: 20px 32px 40px; }
h2 { font-size: 18px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
section.panel, details.deal { background: var(--paper); border: 1px solid var(--line);
  border-radius: 10px; padding: 16px 20px; margin: 12px 0; }
.cards { display: grid; grid-template-columns: 1fr 1fr 1.5fr 2.2fr; gap: 12px; }
.card { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 14px 16px; }
.card .label { color: var(--muted); font-size: 13px; }
.card .big { font-size: 28px; font-weight: 700; }
.card ul { list-style: none; margin: 4px 0 0; padding: 0; font-size: 14px; }
.card.alert .big { color: var(--not_ready); }
.card.money .big { font-size: 20px; }
@media (max-width: 900px) { .cards { grid-template-columns: 1fr 1fr; } }
@media (max-width: 520px) { .cards { grid-template-columns: 1fr; } }
.card table { font-size: 13px; } .card th, .card td { padding: 3px 6px; }
section.panel > h2 { margin-top: 0; }
td.nowrap { white-space: nowrap; }
.card .label::first-letter { text-transform: uppercase; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: 12px; }
.charts figure { margin: 0; background: var(--paper); border: 1px solid var(--line);
  border-radius: 10px; padding: 12px 14px; overflow-x: auto; }
.charts.wide { grid-template-columns: 1fr; }
svg.waterfall { min-width: 720px; }
figcaption { font-weight: 600; font-size: 14px; margin-bottom: 6px; }
.note { color: var(--muted); font-size: 13px; }
svg { max-width: 100%; height: auto; font-family: FONTS; }
svg text { font-size: 12px; fill: var(--ink); }
svg .axis { fill: var(--muted); }
svg .value { font-weight: 600; }
svg .axis-line, svg .grid { stroke: var(--line); stroke-width: 1; }
svg .connector { stroke: #bdc1c6; stroke-width: 1; }
.v-not_ready { fill: var(--not_ready); background: var(--not_ready); }
.v-at_risk { fill: var(--at_risk); background: var(--at_risk); }
.v-ready { fill: var(--ready); background: var(--ready); }
.v-early { fill: var(--early); background: var(--early); }
.v-closed { fill: var(--closed); background: var(--closed); }
.v-invalid { fill: var(--invalid); background: var(--invalid); }
.risk { fill: var(--not_ready); } .safe { fill: #9aa0a6; }
.bin-bad { fill: var(--not_ready); } .bin-warn { fill: var(--at_risk); }
.bin-good { fill: var(--ready); }
.wf-total { fill: #5b7bb4; } .wf-up { fill: #12a4af; } .wf-down { fill: var(--not_ready); }
.wf-won { fill: var(--ready); }
.trend-line { fill: none; stroke: #5b7bb4; stroke-width: 2; }
.spark { fill: none; stroke: #5b7bb4; stroke-width: 1.5; }
.badge { display: inline-block; color: #fff; border-radius: 4px; padding: 0 6px;
  font-size: 12px; font-weight: 700; text-transform: uppercase; white-space: nowrap; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line);
  vertical-align: top; }
th { font-size: 12px; color: var(--muted); font-weight: 600; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.js table.sortable th { cursor: pointer; }
.js table.sortable th::after { content: " \\2195"; color: var(--line); }
.js table.sortable th[aria-sort="ascending"]::after { content: " \\2191"; color: var(--ink); }
.js table.sortable th[aria-sort="descending"]::after { content: " \\2193"; color: var(--ink); }
.scroll { overflow-x: auto; }
details.deal > summary { cursor: pointer; font-size: 16px; display: flex; gap: 10px;
  align-items: baseline; flex-wrap: wrap; }
details.deal[open] > summary { margin-bottom: 10px; }
details.deal { border-left: 6px solid var(--line); }
details.deal.d-not_ready { border-left-color: var(--not_ready); }
details.deal.d-at_risk { border-left-color: var(--at_risk); }
details.deal.d-ready { border-left-color: var(--ready); }
details.deal.d-early { border-left-color: var(--early); }
details.deal.d-invalid { border-left-color: var(--invalid); }
.score { font-weight: 700; font-variant-numeric: tabular-nums; }
.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(180px, 1fr));
  gap: 6px 16px; margin: 0 0 8px; }
.facts div { min-width: 0; } .facts dt { color: var(--muted); font-size: 12px; }
.facts dd { margin: 0; overflow-wrap: anywhere; }
.centre { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.centre table { width: auto; flex: 1 1 320px; }
svg.map .deal-node { fill: #eef3fb; stroke: #5b7bb4; }
svg.map .role { fill: #f1f3f4; stroke: #9aa0a6; }
svg.map .role.other { fill: #fff; stroke-dasharray: 3 2; }
svg.map .person { fill: #fff; stroke-width: 2; }
svg.map .person.met { stroke: var(--ready); }
svg.map .person.never { stroke: var(--not_ready); stroke-dasharray: 5 3; }
svg.map .person.planned { stroke: var(--at_risk); stroke-dasharray: 5 3; }
svg.map .person.gone { fill: #f1f3f4; stroke: #bdc1c6; stroke-dasharray: 2 2; }
svg.map .person.nobody { fill: #fff; stroke: #bdc1c6; stroke-dasharray: 4 3; }
svg.map .stance-champion { fill: #ceead6; } svg.map .stance-supporter { fill: #e6f4ea; }
svg.map .stance-neutral { fill: #fff; } svg.map .stance-skeptic { fill: #fef7e0; }
svg.map .stance-opponent { fill: #fce8e6; }
svg.map .edge { fill: none; stroke: #9aa0a6; stroke-width: 1.5; }
svg.map .edge.dashed { stroke-dasharray: 4 3; }
svg.map .map-name { font-size: 12px; font-weight: 600; }
svg.map .map-status { font-size: 11px; fill: var(--muted); }
.legend { display: flex; flex-wrap: wrap; gap: 6px 14px; font-size: 12px; color: var(--muted);
  list-style: none; padding: 0; margin: 4px 0 0; }
.legend span { display: inline-block; width: 14px; height: 10px; border: 2px solid #9aa0a6;
  border-radius: 3px; vertical-align: middle; margin-right: 4px; }
.legend .safe-key { background: #9aa0a6; }
.legend .met { border-color: var(--ready); } .legend .never { border: 2px dashed var(--not_ready); }
.legend .planned { border: 2px dashed var(--at_risk); }
.legend .gone { border: 2px dotted #bdc1c6; background: #f1f3f4; }
.legend .champion { background: #ceead6; } .legend .supporter { background: #e6f4ea; }
.legend .skeptic { background: #fef7e0; } .legend .opponent { background: #fce8e6; }
ol.ladder { display: flex; list-style: none; padding: 0; margin: 6px 0; gap: 4px;
  flex-wrap: wrap; }
ol.ladder li { padding: 4px 12px; background: #f1f3f4; color: var(--muted); font-size: 13px;
  clip-path: polygon(0 0, calc(100% - 8px) 0, 100% 50%, calc(100% - 8px) 100%, 0 100%, 8px 50%); }
ol.ladder li.current { background: #1f2a44; color: #fff; font-weight: 700; }
ol.findings { list-style: none; padding: 0; margin: 0; }
ol.findings li { border-top: 1px solid var(--line); padding: 8px 0 8px 12px;
  border-left: 4px solid var(--line); margin: 0; }
ol.findings li.s-critical { border-left-color: #a50e0e; }
ol.findings li.s-high { border-left-color: var(--not_ready); }
ol.findings li.s-medium { border-left-color: var(--at_risk); }
ol.findings li.s-low { border-left-color: var(--early); }
.sev { font-size: 12px; font-weight: 700; text-transform: uppercase; color: var(--muted); }
.rule { font-weight: 700; } .fix { color: #174ea6; margin-top: 2px; }
.where { color: var(--muted); font-size: 12px; overflow-wrap: anywhere; }
.muted { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 16px; }
@media print {
  html { background: #fff; font-size: 11pt; }
  header.page { background: #fff; color: #000; padding: 0 0 8px; border-bottom: 2px solid #000; }
  main { max-width: none; padding: 0; }
  section.panel, details.deal, .card, .charts figure { border-color: #999; break-inside: avoid; }
  details.deal { break-inside: auto; page-break-before: auto; }
  details.deal > summary { list-style: none; }
  .js table.sortable th::after { content: none; }
  a { color: inherit; text-decoration: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
""".replace("FONTS", FONTS).strip()
    + "\n"
)

SCRIPT = """
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  function key(cell) {
    var value = cell.getAttribute("data-sort");
    return value === null ? cell.textContent.trim() : value;
  }
  function sortBy(table, heads, index) {
    var head = heads[index];
    var ascending = head.getAttribute("aria-sort") !== "ascending";
    for (var i = 0; i < heads.length; i++) { heads[i].removeAttribute("aria-sort"); }
    head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var numeric = head.getAttribute("data-type") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a.cells[index]), y = key(b.cells[index]);
      var order = numeric ? parseFloat(x) - parseFloat(y) : x.localeCompare(y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var heads = table.tHead.rows[0].cells;
    Array.prototype.forEach.call(heads, function (head, index) {
      head.tabIndex = 0;
      head.addEventListener("click", function () { sortBy(table, heads, index); });
      head.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          sortBy(table, heads, index);
        }
      });
    });
  });
  function openTarget() {
    var target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
      d.open = true;
    });
  });
})();
""".strip()


def script_hash() -> str:
    """The CSP source that allows exactly `SCRIPT`: `'sha256-<base64>'`."""
    digest = hashlib.sha256(SCRIPT.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


CSP = (
    f"default-src 'none'; style-src 'unsafe-inline'; script-src {script_hash()}; "
    "base-uri 'none'; form-action 'none'"
)
"""No request of any kind (image, font, frame, fetch, connection); inline styles; one script."""
