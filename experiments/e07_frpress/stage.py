#!/usr/bin/env python3
"""OrangeSum (../shared/data/fr-press-articles/orangesum) → relais press-jsonl, for e07_frpress.

Keeps every record; renames the fields the press-jsonl reader knows (published, title, text = heading
+ body, outlet = the page's source label, id = Orange's content id). The URL is left out on purpose:
every page is on actu.orange.fr, and the reader names an article's source by its URL's host, which
would merge AFP dispatches and Orange's rewrites into one outlet. The label's two spellings of
"Orange avec Media Services" are one outlet; pages without a label are "Orange (no label)".

    stage.py ORANGESUM.jsonl.gz OUT.jsonl
"""
import gzip
import json
import sys


def outlet(label):
    if not label:
        return "Orange (no label)"
    if label.lower() == "orange avec media services":
        return "Orange avec Media Services"
    return label


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: stage.py ORANGESUM.jsonl.gz OUT.jsonl")
    n = 0
    with gzip.open(sys.argv[1], "rt", encoding="utf-8") as src, open(sys.argv[2], "w", encoding="utf-8") as out:
        for line in src:
            d = json.loads(line)
            text = "\n\n".join(p for p in (d.get("heading") or "", d.get("article") or "") if p)
            rec = {"id": d["content_id"], "published": d["published"], "title": d.get("title") or "",
                   "text": text, "outlet": outlet(d.get("source_label")), "lang": "fr"}
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    print(f"stage.py: {n} records", file=sys.stderr)


if __name__ == "__main__":
    main()
