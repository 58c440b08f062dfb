#!/usr/bin/env python3
"""Turns compare.sh's results (one JSON object a line) into the Markdown tables of BENCHMARKS.md."""
import json
import statistics
import sys
from collections import OrderedDict, defaultdict
from datetime import date

SOURCE = "smtp-source: "


def spread(values):
    """median and (min-max) of the repeats"""
    if not values:
        return None, ""
    med = statistics.median(values)
    return med, f"{med:.0f} ({min(values):.0f}–{max(values):.0f})" if med >= 10 else f"{med:.1f} ({min(values):.1f}–{max(values):.1f})"


def rates(by, server):
    return spread([r["messages_per_second"] for r in by.get(server, [])])


def errors(by, server):
    return sum(sum(r["errors"].values()) for r in by.get(server, []))


def main(path, machine, versions):
    runs = defaultdict(lambda: defaultdict(list))
    order = OrderedDict()
    extra = {}
    with open(path) as f:
        for line in f:
            row = json.loads(line)
            load, server, result = row["load"], row["server"], row["result"]
            if load.startswith("rss") or load in ("hold", "postfix-log"):
                extra[(load, server)] = row
                continue
            order[load] = True
            runs[load][server].append(result)

    print(f"Measured {date.today().isoformat()} on {machine}; {versions}.")
    print("Each figure: median (min–max) over the repeats; within a repeat the servers run in turn (Mailgate, Postfix, smtp-sink).\n")

    print("Under Postfix's own load generator, smtp-source (C; a connection per message, EHLO, MAIL, RCPT, DATA, QUIT, no pipelining):\n")
    print("| load | Mailgate msg/s | Postfix msg/s | ratio | smtp-sink msg/s | of sink | errors M/P |")
    print("|---|---|---|---|---|---|---|")
    for load in (l for l in order if l.startswith(SOURCE)):
        by = runs[load]
        (mg, mg_text), (pf, pf_text), (sk, sk_text) = rates(by, "mailgate"), rates(by, "postfix"), rates(by, "sink")
        ratio = f"{mg / pf:.2f}x" if mg and pf else "–"
        of_sink = f"{100 * mg / sk:.0f}%" if mg and sk else "–"
        print(f"| {load[len(SOURCE):]} | {mg_text} | {pf_text} | {ratio} | {sk_text or '–'} | {of_sink} | {errors(by, 'mailgate')}/{errors(by, 'postfix')} |")

    print("\nUnder `mailgate bench` (Java; MAIL, RCPT and DATA pipelined; latency per message from MAIL to the 250 after the content):\n")
    print("| load | Mailgate msg/s | Postfix msg/s | ratio | smtp-sink msg/s | of sink | Mailgate p99 ms | Postfix p99 ms | errors M/P |")
    print("|---|---|---|---|---|---|---|---|---|")
    for load in (l for l in order if not l.startswith(SOURCE)):
        by = runs[load]
        (mg, mg_text), (pf, pf_text), (sk, sk_text) = rates(by, "mailgate"), rates(by, "postfix"), rates(by, "sink")
        _, mg99 = spread([r["latency_ms"]["p99"] for r in by.get("mailgate", [])])
        _, pf99 = spread([r["latency_ms"]["p99"] for r in by.get("postfix", [])])
        ratio = f"{mg / pf:.2f}x" if mg and pf else "–"
        of_sink = f"{100 * mg / sk:.0f}%" if mg and sk else "–"
        print(f"| {load} | {mg_text or '–'} | {pf_text} | {ratio} | {sk_text or '–'} | {of_sink} | {mg99 or '–'} | {pf99} | {errors(by, 'mailgate')}/{errors(by, 'postfix')} |")

    if ("postfix-log", "postfix") in extra:
        r = extra[("postfix-log", "postfix")]["result"]
        print(f"\nPostfix's log after the loads: {r['errors']} errors, {r['warnings']} warnings, "
              f"{r['improper_pipelining']} improper command pipelining, {r['too_many_errors']} \"too many errors\"."
              + ("" if not r["top"] else " Most frequent: " + "; ".join(f"`{t}`" for t in r["top"]) + "."))

    print("\n| memory and connections | Mailgate | Postfix |")
    print("|---|---|---|")
    for load, label in (("rss-idle", "memory (PSS) idle after start"), ("rss-peak-50", "memory (PSS) peak, 50 sessions")):
        cells = [f"{extra[(load, s)]['result']['rss_kib'] / 1024:.0f} MiB" if (load, s) in extra else "–" for s in ("mailgate", "postfix")]
        print(f"| {label} | {cells[0]} | {cells[1]} |")
    if ("hold", "mailgate") in extra:
        cells = []
        for s in ("mailgate", "postfix"):
            row = extra.get(("hold", s))
            if row is None:
                cells.append("–")
                continue
            r = row["result"]
            cells.append(f"{r['still_open']} of {r['requested']} held, PSS peak {row['rss_kib'] / 1024:.0f} MiB")
        print(f"| idle STARTTLS connections | {cells[0]} | {cells[1]} |")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3])
