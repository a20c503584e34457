#!/usr/bin/env python3
"""Renders docs/grafana/chat-sessions.json's panels to docs/grafana/screenshot.png without Grafana (neither Debian nor
npm packages it): every panel's PromQL, exactly as the dashboard has it ($job = all, $__rate_interval = 30s), is
evaluated by a real Prometheus (query_range), dashboard.html draws the series with the panels' titles, units, legends
and grid positions, plus a row of the two admin reports' JSON, and headless Chromium takes the screenshot.
bench/analytics/run.sh calls it at the end of its run (the Prometheus scraped the service during the benchmark).

    BENCH_PROMETHEUS=http://127.0.0.1:18436 BENCH_FROM=<unix s> BENCH_TO=<unix s> BENCH_REPORTS=<dir> render.py [out.png]

BENCH_REPORTS holds report-answers_group_by_query_type[_range_30d].json and report-sources_limit_20[_range_30d].json
(the admin endpoints' answers, as run.sh saves them: the 30-day one is drawn, else the 7-day one). Loopback only.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

HERE = pathlib.Path(__file__).resolve().parent
DASHBOARD = HERE.parent / "chat-sessions.json"


def query_range(prometheus, expr, start, end, step):
    url = "%s/api/v1/query_range?%s" % (prometheus, urllib.parse.urlencode(
        {"query": expr, "start": start, "end": end, "step": step}))
    with urllib.request.urlopen(url, timeout=30) as response:
        body = json.load(response)
    if body.get("status") != "success":
        raise SystemExit("Prometheus refused %s: %s" % (expr, body))
    return body["data"]["result"]


def legend(template, labels):
    text = template or "{{__name__}}"
    for name, value in labels.items():
        text = text.replace("{{%s}}" % name, value)
    return text.replace("{{", "").replace("}}", "")


def main():
    prometheus = os.environ["BENCH_PROMETHEUS"]
    start, end = int(os.environ["BENCH_FROM"]), int(os.environ["BENCH_TO"])
    reports = pathlib.Path(os.environ["BENCH_REPORTS"])
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else HERE.parent / "screenshot.png").resolve()
    dashboard = json.loads(DASHBOARD.read_text())
    panels = []
    for panel in dashboard["panels"]:
        series = []
        for target in panel.get("targets", []):
            expr = target["expr"].replace('job=~"$job"', 'job=~".*"').replace("$__rate_interval", "30s")
            for result in query_range(prometheus, expr, start, end, 5):
                points = [[float(t), float(v)] for t, v in result["values"] if v not in ("NaN", "+Inf", "-Inf")]
                if points:
                    series.append({"name": legend(target.get("legendFormat"), result["metric"]), "points": points})
        panels.append({"title": panel["title"], "grid": panel["gridPos"],
                       "unit": panel.get("fieldConfig", {}).get("defaults", {}).get("unit", ""), "series": series})
    data = {"title": dashboard["title"], "from": start, "to": end, "panels": panels}
    for report, name in (("answers", "answers_group_by_query_type"), ("sources", "sources_limit_20")):
        # the 30-day report, or the default 7 days where that one ran past the statement timeout (a 503, no items)
        for days, suffix in ((30, "_range_30d"), (7, "")):
            body = json.loads((reports / ("report-%s%s.json" % (name, suffix))).read_text())
            if body.get("items"):
                data[report], data[report + "_days"] = body, days
                break
        else:
            data[report], data[report + "_days"] = {"items": []}, 30
    with tempfile.TemporaryDirectory() as tmp:
        page = pathlib.Path(tmp)
        shutil.copy(HERE / "dashboard.html", page / "dashboard.html")
        (page / "data.js").write_text("window.DASHBOARD = " + json.dumps(data) + ";\n")
        subprocess.run(["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--hide-scrollbars", "--window-size=1400,1290", "--screenshot=" + str(out),
                        (page / "dashboard.html").as_uri()], check=True, timeout=120,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if shutil.which("pngquant"):  # a 256-colour palette keeps the PNG in docs small (Debian's pngquant)
        subprocess.run(["pngquant", "--quality=70-95", "--speed", "3", "--force", "--output", str(out), str(out)],
                       check=True, timeout=60)
    print("wrote %s (%d bytes): %d panels, %d series" % (out, out.stat().st_size, len(panels),
                                                        sum(len(p["series"]) for p in panels)))


if __name__ == "__main__":
    main()
