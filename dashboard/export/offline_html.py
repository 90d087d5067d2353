"""The tour as one self-contained HTML file for a tablet without a connection to the app.

Everything is inline: CSS, a few lines of JavaScript (Previous / Next, the language and text
size switches, the visited marks; the stop, language, size and marks in the address's #fragment
so a reload keeps them), the tour in every language of the app, the category pictograms and
the map, drawn as SVG from the site geometry of the data folder (site, water, buildings,
paths) with the route on top. A Content-Security-Policy forbids every request, so the file
cannot reach a server even by mistake. Every text from the data passes through html.escape;
the stop cards are written out as HTML here and the script only shows one of them.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable

from dashboard import presentation as fmt
from dashboard import speech, visitor
from dashboard.catalog import Catalog
from dashboard.i18n import LANGUAGES, t
from dashboard.routing import TourPlan

MAP_WIDTH = 1000.0  # SVG user units; the height follows the site's shape
_CSP = ("default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
        "img-src data:")


class _Projection:
    """lon/lat -> SVG x/y: equirectangular around the site's middle (fine for a park)."""

    def __init__(self, bounds: tuple[float, float, float, float], pad: float = 0.0006):
        min_lon, min_lat, max_lon, max_lat = bounds
        self.min_lon, self.max_lat = min_lon - pad, max_lat + pad
        self.k = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = (max_lon - min_lon + 2 * pad) * self.k
        self.scale = MAP_WIDTH / span_x
        self.height = (max_lat - min_lat + 2 * pad) * self.scale

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        return ((lon - self.min_lon) * self.k * self.scale, (self.max_lat - lat) * self.scale)

    def points(self, lonlats: Iterable[tuple[float, ...]]) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y in (self.xy(c[0], c[1]) for c in lonlats))


def _route_bounds(plan: TourPlan, site_bounds: tuple[float, float, float, float]
                  ) -> tuple[float, float, float, float]:
    """The route's box with a margin (at least ~150 m), inside the site's: the map shows the
    walk large instead of the whole park."""
    points = [(lon, lat) for lat, lon in plan.route_coords()]
    points += [(v.place.lon, v.place.lat) for v in plan.visits]
    if not points:
        return site_bounds
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    margin_lat = max((max(lats) - min(lats)) * 0.15, 0.00135)
    margin_lon = max((max(lons) - min(lons)) * 0.15, 0.002)
    return (max(min(lons) - margin_lon, site_bounds[0]),
            max(min(lats) - margin_lat, site_bounds[1]),
            min(max(lons) + margin_lon, site_bounds[2]),
            min(max(lats) + margin_lat, site_bounds[3]))


def _rings(geom) -> list[list[tuple[float, ...]]]:
    """The coordinate lists of a shapely geometry: polygon rings or line strings."""
    kind = geom.geom_type
    if kind == "Polygon":
        return [list(geom.exterior.coords)] + [list(r.coords) for r in geom.interiors]
    if kind in ("LineString", "LinearRing"):
        return [list(geom.coords)]
    if kind.startswith("Multi") or kind == "GeometryCollection":
        return [ring for part in geom.geoms for ring in _rings(part)]
    return []


def _layer_svg(catalog: Catalog, proj: _Projection, layer: str, style: str,
               closed: bool) -> str:
    frame = catalog.site.layers.get(layer)
    if frame is None or frame.empty:
        return ""
    out = []
    for geom in frame.geometry:
        if geom is None:
            continue
        for ring in _rings(geom):
            if closed:
                out.append(f'<path d="M{proj.points(ring).replace(" ", " L")} Z"/>')
            else:
                out.append(f'<polyline points="{proj.points(ring)}"/>')
    return f'<g class="{layer}" {style}>{"".join(out)}</g>' if out else ""


def _map_svg(plan: TourPlan, catalog: Catalog, proj: _Projection, lang: str) -> str:
    parts = [
        f'<rect width="{MAP_WIDTH:.0f}" height="{proj.height:.0f}" fill="{fmt.GROUND}"/>',
        _layer_svg(catalog, proj, "site", f'fill="{fmt.SITE_FILL}" stroke="{fmt.SITE_LINE}"',
                   True),
        _layer_svg(catalog, proj, "water",
                   f'fill="{fmt.WATER_FILL}" stroke="{fmt.WATER_LINE}"', True),
        _layer_svg(catalog, proj, "buildings",
                   f'fill="{fmt.BUILDING_FILL}" stroke="{fmt.BUILDING_LINE}"', True),
        _layer_svg(catalog, proj, "paths",
                   f'fill="none" stroke="{fmt.PATH_EDGE}" stroke-width="3"', False),
    ]
    legs = []
    for i, visit in enumerate(plan.visits[1:]):
        if visit.leg is None or len(visit.leg.coords) < 2:
            continue
        pts = proj.points((lon, lat) for lat, lon in visit.leg.coords)
        # leg i leads to visits[i + 1]: it is walked once stop index >= i (0-based stops)
        legs.append(f'<polyline class="leg" data-leg="{i}" points="{pts}"/>')
    parts.append(f'<g id="route" fill="none" stroke-linecap="round" stroke-linejoin="round">'
                 f'{"".join(legs)}</g>')
    marks = []
    for n, visit in enumerate(plan.stops):
        x, y = proj.xy(visit.place.lon, visit.place.lat)
        name = html.escape(catalog.text(visit.place.name, lang))
        marks.append(f'<g class="mark" data-i="{n}"><title>{n + 1}. {name}</title>'
                     f'<circle cx="{x:.1f}" cy="{y:.1f}" r="26"/>'
                     f'<text x="{x:.1f}" y="{y + 9:.1f}" text-anchor="middle">{n + 1}</text></g>')
    start = plan.visits[0].place
    sx, sy = proj.xy(start.lon, start.lat)
    marks.insert(0, f'<g class="endpoint"><circle cx="{sx:.1f}" cy="{sy:.1f}" r="22"/>'
                 f'<text x="{sx:.1f}" y="{sy + 8:.1f}" text-anchor="middle">'
                 f'{html.escape(fmt.stop_marker(plan, plan.visits[0], lang))}</text></g>')
    parts.append(f'<g id="marks">{"".join(marks)}</g>')
    label = html.escape(t("visitor.map", lang))
    return (f'<svg id="map" role="img" aria-label="{label}" xmlns="http://www.w3.org/2000/svg" '
            f'viewBox="0 0 {MAP_WIDTH:.0f} {proj.height:.0f}">{"".join(parts)}</svg>')


def _card(plan: TourPlan, catalog: Catalog, stop: visitor.VisitorStop, lang: str,
          embed: bool = True) -> str:
    """One stop's card in one language (hidden until the script shows it). The picture is
    embedded once (`embed`, the first language); the other languages' cards borrow it."""
    e = html.escape
    prog = visitor.progress(plan, stop.number - 1, catalog, lang)
    head = " · ".join([t("visitor.progress", lang, n=prog.number, total=prog.total),
                       t("visitor.time_left", lang, time=fmt.minutes(prog.minutes_left, lang))])
    rows = [f'<p class="progress">{e(head)} · <span class="seen-mark">'
            f'{e(t("visitor.visited", lang))}</span></p>',
            f'<div class="picto" style="color:{stop.category_color}">'
            f"{visitor.pictogram_svg(stop.category)}<span>{e(stop.category_label)}</span></div>",
            f"<h2>{stop.number}. {e(stop.name)}</h2>", _read_aloud(stop, lang)]
    if stop.image is not None:  # embedded: the file may not request anything
        source = f'src="{visitor.image_data_uri(stop.image)}"' if embed \
            else f'data-photo="{stop.number - 1}"'
        rows.append(f'<img class="photo" {source} alt="{e(stop.image_alt)}">')
        if stop.image_credit:
            rows.append(f'<p class="credit">{e(stop.image_credit)}</p>')
    if stop.summary:
        rows.append(f"<p><strong>{e(stop.summary)}</strong></p>")
    rows.append(f"<p>{e(t('visitor.planned', lang, minutes=fmt.minutes(stop.minutes, lang), clock=stop.begin))}</p>")  # noqa: E501
    rows.append(f"<p>{e(t('visitor.step_free_yes' if stop.step_free else 'visitor.step_free_no', lang))}</p>")  # noqa: E501
    if stop.shows:
        rows.append(f"<p>{e(t('visitor.shows', lang, times=', '.join(stop.shows)))}</p>")
    if stop.facts:
        rows.append(f"<h3>{e(t('detail.facts', lang))}</h3><ul>"
                    + "".join(f"<li>{e(f)}</li>" for f in stop.facts) + "</ul>")
    leg = prog.next_leg
    if leg is None:
        rows.append(f'<p class="leg"><strong>{e(t("visitor.last_stop", lang))}</strong></p>')
    else:
        key = "visitor.next_leg_end" if leg.to_end else "visitor.next_leg"
        text = t(key, lang, distance=fmt.km(leg.distance_m, lang),
                 minutes=fmt.minutes(leg.minutes, lang),
                 direction=visitor.direction_words(leg.direction, lang), name=leg.to_name)
        rows.append(f'<p class="leg"><strong>{e(text)}</strong></p>')
    if stop.sources:  # plain text: a tablet without a connection cannot open them anyway
        rows.append(f"<p class='src'>{e(t('detail.sources', lang))}: "
                    + ", ".join(e(s) for s in stop.sources) + "</p>")
    return (f'<section class="stop" data-lang="{e(lang)}" data-i="{stop.number - 1}" hidden>'
            + "".join(rows) + "</section>")


def _read_aloud(stop: visitor.VisitorStop, lang: str) -> str:
    """The stop's read-aloud block (dashboard/speech.py): its sentences escaped here, the
    script reads their text."""
    e = html.escape
    options = json.dumps({"lang": lang, "labels": speech.labels(lang),
                          "wait_ms": speech.VOICE_WAIT_MS}, ensure_ascii=False)
    spans = " ".join(f'<span data-say="{k}">{e(part)}</span>'
                     for k, part in enumerate(speech.parts(stop)))
    return (f'<div class="lr-say" lang="{e(lang)}" data-say-options="{e(options, quote=True)}">'
            '<button type="button" class="lr-say-play"></button>'
            '<span class="lr-say-msg" role="status"></span>'
            f'<p class="lr-say-text" hidden aria-label="{e(t("speech.transcript", lang))}">'
            f"{spans}</p></div>")


_STYLE = """
*{box-sizing:border-box}
body{margin:0;font:18px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;
 color:%(ink)s;background:#fff}
header{padding:12px 16px;background:%(head)s}
h1{margin:0;font-size:1.4rem}
.wrap{display:flex;flex-wrap:wrap;gap:16px;padding:12px 16px}
.col{flex:1 1 360px;min-width:0}
nav{display:flex;gap:12px;padding:0 16px}
nav button{flex:1;min-height:64px;font:600 1.3rem system-ui,sans-serif;border-radius:10px;
 border:2px solid %(ink)s;background:#fff;color:%(ink)s;cursor:pointer}
nav button.next{background:%(primary)s;border-color:%(primary)s;color:#fff}
nav button:disabled{opacity:.4;cursor:default}
nav button:focus-visible{outline:3px solid #1a73e8;outline-offset:2px}
.picto{display:flex;align-items:center;gap:10px;font-weight:600}
.picto svg{width:56px;height:56px;flex:none}
.picto span{color:%(ink)s}
.stop h2{font-size:1.8rem;margin:.3em 0}
.photo{display:block;max-width:100%%;max-height:50vh;height:auto;border-radius:8px}
.credit{font-size:.85rem;color:%(muted)s;margin:.3em 0 0}
.progress{font-weight:700}
.src{font-size:.85rem;color:%(muted)s;overflow-wrap:anywhere}
.bar{display:flex;flex-wrap:wrap;gap:8px 16px;align-items:center;padding:8px 16px}
.bar button{min-height:48px;min-width:48px;padding:0 14px;border-radius:8px;font:600 1rem
 system-ui,sans-serif;border:2px solid %(ink)s;background:#fff;color:%(ink)s;cursor:pointer}
.bar button[aria-pressed=true]{background:%(ink)s;color:#fff}
.seen-mark{display:none;color:%(primary)s}
.stop.seen .seen-mark{display:inline}
label.seen{display:flex;align-items:center;gap:10px;min-height:48px;font-weight:600}
label.seen input{width:28px;height:28px}
body.large{font-size:23px}
body.large .stop h2{font-size:2.2rem}
[data-lang][hidden]{display:none}
#map{width:100%%;height:auto;border:1px solid %(rule)s;border-radius:8px}
#route polyline{stroke:%(route)s;stroke-width:9}
#route polyline.walked{stroke:%(walked)s}
.mark circle{fill:%(route)s;stroke:#fff;stroke-width:3}
.mark.walked circle{fill:%(walked)s}
.mark.current circle{stroke:#1a1a1a;stroke-width:8;r:34}
.mark.seen text{text-decoration:underline}
.mark text,.endpoint text{fill:#fff;font:700 26px system-ui,sans-serif}
.endpoint circle{fill:%(endpoint)s;stroke:#fff;stroke-width:3}
footer{padding:8px 16px 24px;color:%(muted)s;font-size:.9rem}
"""

_SCRIPT = """
(function(){
  var langs=%(langs)s, body=document.body;
  var lang=body.dataset.lang, size=body.dataset.size, cur=parseInt(body.dataset.start,10)||0;
  var seen={}; (body.dataset.seen||'').split(',').forEach(function(k){if(k){seen[k]=1;}});
  var n=document.querySelectorAll('section.stop[data-lang="'+lang+'"]').length;
  var sayStops=[], shownAt='';
  document.querySelectorAll('.lr-say').forEach(function(box){
    sayStops.push(lrReadAloud(box, JSON.parse(box.dataset.sayOptions)));});
  function fromHash(){var h=location.hash||'';
    var m=/stop=(\\d+)/.exec(h); if(m){var i=parseInt(m[1],10)-1; if(i>=0&&i<n){cur=i;}}
    m=/lang=([a-z]+)/.exec(h); if(m&&langs.indexOf(m[1])>=0){lang=m[1];}
    m=/size=(normal|large)/.exec(h); if(m){size=m[1];}
    m=/seen=([0-9,]*)/.exec(h); if(m){seen={}; m[1].split(',').forEach(function(k){
      if(k){seen[parseInt(k,10)-1]=1;}});}}
  function all(sel,f){document.querySelectorAll(sel).forEach(f);}
  function show(i){
    cur=Math.max(0,Math.min(n-1,i));
    if(shownAt!==cur+lang){shownAt=cur+lang; sayStops.forEach(function(s){s();});}
    all('[data-lang]',function(el){if(el.tagName!=='HTML'&&el!==body){
      el.hidden=el.dataset.lang!==lang;}});
    all('section.stop',function(s){var k=parseInt(s.dataset.i,10);
      if(s.dataset.lang===lang){s.hidden=(k!==cur);} s.classList.toggle('seen',!!seen[k]);});
    all('#marks .mark',function(m){var k=parseInt(m.dataset.i,10);
      m.classList.toggle('current',k===cur); m.classList.toggle('walked',k<cur);
      m.classList.toggle('seen',!!seen[k]);});
    all('#route .leg',function(l){l.classList.toggle('walked',parseInt(l.dataset.leg,10)<=cur);});
    all('button.prev',function(b){b.disabled=cur===0;});
    all('button.next',function(b){b.disabled=cur===n-1;});
    all('input.seen',function(c){c.checked=!!seen[cur];});
    all('button[data-set-lang]',function(b){b.setAttribute('aria-pressed',
      String(b.dataset.setLang===lang));});
    all('button[data-set-size]',function(b){b.setAttribute('aria-pressed',
      String(b.dataset.setSize===size));});
    document.documentElement.lang=lang; body.classList.toggle('large',size==='large');
    body.dataset.stop=String(cur+1);
    var marks=Object.keys(seen).map(function(k){return parseInt(k,10)+1;}).sort(
      function(a,b){return a-b;});
    if(history.replaceState){history.replaceState(null,'','#stop='+(cur+1)+'&lang='+lang+
      '&size='+size+'&seen='+marks.join(','));}
  }
  all('button.prev',function(b){b.addEventListener('click',function(){show(cur-1);});});
  all('button.next',function(b){b.addEventListener('click',function(){show(cur+1);});});
  all('button[data-set-lang]',function(b){b.addEventListener('click',function(){
    lang=b.dataset.setLang; show(cur);});});
  all('button[data-set-size]',function(b){b.addEventListener('click',function(){
    size=b.dataset.setSize; show(cur);});});
  all('input.seen',function(c){c.addEventListener('change',function(){
    if(c.checked){seen[cur]=1;}else{delete seen[cur];} show(cur);});});
  all('#marks .mark',function(m){m.addEventListener('click',function(){
    show(parseInt(m.dataset.i,10));});});
  all('img.photo[data-photo]',function(img){var own=document.querySelector(
    'section.stop[data-i="'+img.dataset.photo+'"] img.photo[src]');
    if(own){img.setAttribute('src',own.getAttribute('src'));}});
  fromHash(); show(cur);
})();
"""


def _language_part(plan: TourPlan, catalog: Catalog, lang: str, title: str, shown: bool,
                   embed: bool) -> str:
    """Header, Previous/Next, the cards and the map caption in one language."""
    e = html.escape
    stops = visitor.visitor_stops(plan, catalog, lang)
    cards = "".join(_card(plan, catalog, s, lang, embed) for s in stops)
    exhibition = catalog.text(catalog.exhibition.name, lang)
    hidden = "" if shown else " hidden"
    return (
        f'<header data-lang="{e(lang)}"{hidden}><h1>{e(title)}</h1>'
        f"{'' if exhibition == title else f'<div>{e(exhibition)}</div>'}</header>"
        f'<nav data-lang="{e(lang)}"{hidden} aria-label="{e(t("visitor.title", lang))}">'
        f'<button class="prev" type="button">← {e(t("visitor.previous", lang))}</button>'
        f'<button class="next" type="button">{e(t("visitor.next", lang))} →</button></nav>'
        f'<div class="cards" data-lang="{e(lang)}"{hidden}>{cards}'
        f'<label class="seen"><input class="seen" type="checkbox">'
        f'{e(t("visitor.visited", lang))}</label>'
        f"<p>{e(t('visitor.map_caption', lang))}</p></div>"
    )


def _switches(lang: str) -> str:
    """The language switch (each name in its own language) and the text size switch (in each
    language; the script shows the one of the language shown)."""
    e = html.escape
    buttons = [f'<button type="button" data-set-lang="{e(code)}" lang="{e(code)}" '
               f'aria-pressed="{str(code == lang).lower()}">{e(name)}</button>'
               for code, name in LANGUAGES.items()]
    sizes = [f'<button type="button" data-set-size="{size}" data-lang="{e(code)}"'
             f'{"" if code == lang else " hidden"}>'
             f'{e(t("visitor.size", code))}: {e(t(f"visitor.size.{size}", code))}</button>'
             for code in LANGUAGES for size in ("normal", "large")]
    return f'<div class="bar">{"".join(buttons)}<span></span>{"".join(sizes)}</div>'


def to_offline_html(plan: TourPlan, catalog: Catalog, lang: str, title: str | None = None, *,
                    start: int = 0, visited: Iterable[str] = (), size: str = "normal") -> str:
    """One HTML document with the whole tour in every language of the app, opened at the stop
    `start` (0-based) in `lang` and `size` ("normal" / "large") with the stops `visited` (ids)
    marked; no request to anywhere when it is opened."""
    from dashboard.export._common import tour_title

    given, title = title, title or tour_title(plan, catalog, lang)
    count = len(plan.stops)
    start = min(max(int(start), 0), max(count - 1, 0))
    ids = plan.stop_ids
    seen = ",".join(str(i) for i, pid in enumerate(ids) if pid in set(visited))
    size = size if size in ("normal", "large") else "normal"
    proj = _Projection(_route_bounds(plan, catalog.site.bounds), pad=0.0)
    style = speech.CSS + _STYLE % {"ink": fmt.INK, "head": fmt.HEADER_FILL, "route": fmt.ROUTE,
                      "walked": "#7f8c8d", "endpoint": fmt.ENDPOINT, "muted": fmt.MUTED,
                      "rule": fmt.RULE, "primary": fmt.PRIMARY}
    e = html.escape
    langs = [lang, *(code for code in LANGUAGES if code != lang)]
    parts = "".join(_language_part(plan, catalog, code,
                                   given or tour_title(plan, catalog, code), code == lang,
                                   embed=code == lang)
                    for code in langs)
    script = speech.CORE_JS + _SCRIPT % {"langs": json.dumps(list(LANGUAGES))}
    return (
        f'<!DOCTYPE html><html lang="{e(lang)}"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{e(title)}</title><style>{style}</style></head>"
        f'<body data-lang="{e(lang)}" data-size="{size}" data-start="{start}" '
        f'data-seen="{seen}" class="{"large" if size == "large" else ""}">'
        f"{_switches(lang)}"
        f'<div class="wrap"><div class="col" id="cards">{parts}</div>'
        f'<div class="col">{_map_svg(plan, catalog, proj, lang)}</div></div>'
        f"<footer>Lernreise · {e(t('visitor.offline_help', lang))}</footer>"
        f"<script>{script}</script></body></html>"
    )
