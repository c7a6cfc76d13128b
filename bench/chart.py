#!/usr/bin/env python3
"""Draws bench/run's JSON results as an SVG: cold start per build, median init and first invocation stacked,
with the min-max range and every run marked. Standard library only.

    python3 bench/chart.py bench/out/results.json [bench/out/cold-start.svg]
"""
import json
import statistics
import sys
from xml.sax.saxutils import escape

ORDER = ["floor", "naive", "baseline", "function"]
COLORS = {"init": "#4878a8", "first": "#e0a030"}


def main(argv):
    if len(argv) < 2:
        sys.exit("usage: chart.py RESULTS.json [OUT.svg]")
    source = argv[1]
    target = argv[2] if len(argv) > 2 else source.rsplit(".", 1)[0] + ".svg"
    with open(source, encoding="utf-8") as f:
        results = json.load(f)
    svg = render(results)
    with open(target, "w", encoding="utf-8") as f:
        f.write(svg)
    print(target)


def render(results):
    runs = results["runs"]
    meta = results.get("meta", {})
    builds = [b for b in ORDER if any(r["build"] == b for r in runs)]
    builds += sorted({r["build"] for r in runs} - set(builds))
    rows = []
    for build in builds:
        mine = [r for r in runs if r["build"] == build]
        rows.append({
            "build": build,
            "init": statistics.median(r["initMs"] for r in mine),
            "first": statistics.median(r["firstInvocationMs"] for r in mine),
            "totals": sorted(r["coldStartMs"] for r in mine),
        })
    widest = max(max(row["totals"]) for row in rows)
    scale_max = nice_ceiling(widest)

    left, right, top, bar_h, gap = 110, 110, 70, 34, 26
    plot_w = 620
    height = top + len(rows) * (bar_h + gap) + 80
    width = left + plot_w + right

    def x(ms):
        return left + plot_w * ms / scale_max

    mode = meta.get("mode", "cold")
    title = "Cold start to first response (%s mode), %d rounds" % (mode, meta.get("rounds", 0))
    subtitle = "JDK %s, function pinned to CPU %s; bar = median init + median first invocation; " \
               "line = min-max; dots = runs" % (meta.get("jdk", "?"), meta.get("cpu", "?"))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" '
           'font-size="12">' % (width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="15" font-weight="bold">%s</text>' % (left, escape(title)),
           '<text x="%d" y="44" fill="#555">%s</text>' % (left, escape(subtitle))]

    axis_y = top + len(rows) * (bar_h + gap)
    for tick in ticks(scale_max):
        tx = x(tick)
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (tx, top - 6, tx, axis_y))
        out.append('<text x="%.1f" y="%d" text-anchor="middle" fill="#555">%s</text>'
                   % (tx, axis_y + 16, "%g" % tick))
    out.append('<text x="%d" y="%d" text-anchor="middle">milliseconds</text>'
               % (left + plot_w / 2, axis_y + 36))

    for i, row in enumerate(rows):
        y = top + i * (bar_h + gap)
        mid = y + bar_h / 2
        out.append('<text x="%d" y="%.1f" text-anchor="end" dominant-baseline="middle" font-weight="bold">%s</text>'
                   % (left - 10, mid, escape(row["build"])))
        out.append('<rect x="%d" y="%d" width="%.1f" height="%d" fill="%s"><title>init %s ms</title></rect>'
                   % (left, y, x(row["init"]) - left, bar_h, COLORS["init"], fmt(row["init"])))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="%d" fill="%s"><title>first invocation %s ms'
                   '</title></rect>' % (x(row["init"]), y, x(row["init"] + row["first"]) - x(row["init"]), bar_h,
                                        COLORS["first"], fmt(row["first"])))
        lo, hi = row["totals"][0], row["totals"][-1]
        out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>' % (x(lo), mid, x(hi), mid))
        for end in (lo, hi):
            out.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>'
                       % (x(end), mid - 6, x(end), mid + 6))
        for total in row["totals"]:
            out.append('<circle cx="%.1f" cy="%.1f" r="2.5" fill="black" fill-opacity="0.5"/>' % (x(total), mid))
        label = "%s + %s ms" % (fmt(row["init"]), fmt(row["first"]))
        out.append('<text x="%.1f" y="%.1f" dominant-baseline="middle" fill="#333">%s</text>'
                   % (min(x(hi) + 8, width - right - 100), y - 7, escape(label)))

    legend_y = height - 14
    for j, (key, name) in enumerate((("init", "init (start to first /next)"),
                                     ("first", "first invocation (event to response)"))):
        lx = left + j * 260
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (lx, legend_y - 10, COLORS[key]))
        out.append('<text x="%d" y="%d">%s</text>' % (lx + 18, legend_y, escape(name)))
    out.append("</svg>")
    return "\n".join(out) + "\n"


def nice_ceiling(value):
    step = 10 ** max(0, len(str(int(value))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if step * factor >= value:
            return step * factor
    return step * 10


def ticks(maximum):
    return [maximum * i / 5 for i in range(6)]


def fmt(ms):
    return "%d" % round(ms) if ms >= 10 else "%.1f" % ms


if __name__ == "__main__":
    main(sys.argv)
