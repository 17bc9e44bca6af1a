#!/usr/bin/env python3
"""Peak memory of reading every item of a store from Python: one DataFrame vs chunks (issue 14).

usage: PYTHONPATH=build/python python3 experiments/python/items_memory.py STORE MODE [CHUNKSIZE]
MODE: `whole` (st.items()), `chunks` (st.items(chunksize=CHUNKSIZE), each chunk dropped after use).
Prints one JSON line: mode, rows, seconds, peak RSS growth (VmHWM - VmRSS before), in MB.
Run each mode in its own process: VmHWM is a high-water mark.
"""
import json
import sys
import time

import relais


def status_kb(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(field + " not in /proc/self/status")


def main():
    store, mode = sys.argv[1], sys.argv[2]
    chunksize = int(sys.argv[3]) if len(sys.argv) > 3 else 100_000
    st = relais.open(store)
    before = status_kb("VmRSS")
    t0 = time.perf_counter()
    rows = 0
    text_chars = 0
    if mode == "whole":
        df = st.items()
        rows = len(df)
        text_chars = int(df["text"].str.len().sum())
        del df
    elif mode == "chunks":
        for chunk in st.items(chunksize=chunksize):
            rows += len(chunk)
            text_chars += int(chunk["text"].str.len().sum())
    else:
        sys.exit("mode must be whole or chunks")
    seconds = time.perf_counter() - t0
    peak = status_kb("VmHWM")
    print(json.dumps({"mode": mode, "chunksize": chunksize if mode == "chunks" else None, "rows": rows,
                      "text_chars": text_chars, "seconds": round(seconds, 2),
                      "peak_growth_mb": round((peak - before) / 1024, 1)}))


if __name__ == "__main__":
    main()
