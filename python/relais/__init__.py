"""relais in Python: the relais C++ libraries with pandas results.

    import relais
    st = relais.open("st")                  # a read-only store made by `relais ingest`
    st.stats()                              # dict, as `relais stats --json`
    st.items(channel="press")               # DataFrame, time as datetime64[ns, UTC]
    st.flows(by="class", at="2021-01-08T23:21Z", before="30d", after="30d")
    st.rank(metric="pagerank", top=20)
    nodes, edges = st.graph(by="actor")
    st.who.amplifiers_of("@varmatin")

Every function calls the library functions the matching CLI subcommand calls and accepts its
parameters; `as_json=True` returns the CLI's `--json` output as a dict. Non-public accounts are
pseudonymised as in the CLI unless `pseudonymise=False`. Errors raise `relais.UsageError` (the CLI's
exit 2) or `relais.DataError` (exit 3) with the CLI's message. See docs/python.md.
"""

import json as _json
import os as _os
import tempfile as _tempfile
import sys as _sys

import numpy as _np
import pandas as _pd

from . import _relais as _core
from ._relais import DataError, UsageError, __version__

__all__ = ["open", "ingest", "influence_events", "reuse", "synth", "Store", "Graph", "UsageError", "DataError", "__version__"]

ITEM_COLUMNS = ("id", "time", "key", "actor", "actor_class", "region", "actor_public", "channel", "kind",
                "platform", "lang", "url", "expansion", "title", "text")


def _time(value, name):
    """An instant (ISO 8601 text, datetime, pandas Timestamp, numpy datetime64) → ISO 8601 text."""
    if value is None or isinstance(value, str):
        return value
    try:
        t = _pd.Timestamp(value)
    except (TypeError, ValueError) as e:
        raise UsageError(f"{name}: expected an ISO 8601 time or a datetime, got {value!r}") from e
    t = t.tz_localize("UTC") if t.tzinfo is None else t.tz_convert("UTC")
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def _duration(value, name):
    """A duration ("30d", "1h", a timedelta, a pandas Timedelta) → the CLI's text."""
    if value is None or isinstance(value, str):
        return value
    try:
        ms = int(_pd.Timedelta(value) / _pd.Timedelta(milliseconds=1))
    except (TypeError, ValueError) as e:
        raise UsageError(f"{name}: expected a duration like \"30d\" or a timedelta, got {value!r}") from e
    return f"{ms}ms"


def _layers(layers):
    if layers is None:
        return ""
    if isinstance(layers, str):
        return layers
    return ",".join(layers)


def _threads(threads):
    return 0 if threads is None else int(threads)


def _utc_ms(values):
    """int64 milliseconds (INT64_MIN = unknown) → datetime64[ns, UTC]."""
    values = _np.asarray(values, dtype=_np.int64)
    missing = values == _np.iinfo(_np.int64).min
    ns = _np.where(missing, _np.iinfo(_np.int64).min, values * 1_000_000)
    return _pd.DatetimeIndex(ns.view("datetime64[ns]")).tz_localize("UTC")


def _table(rows, columns=None):
    """A list of JSON objects → DataFrame, nested objects flattened to `a.b` columns."""
    if not rows:
        return _pd.DataFrame(columns=columns or [])
    return _pd.json_normalize(rows, sep=".")


class Graph:
    """The flow graph view: `nodes` (one row per node id) and `edges` (source → derived, weight =
    number of flows). Unpacks as `nodes, edges = store.graph()`."""

    def __init__(self, nodes, edges, by, flows, skipped_flows):
        self.nodes, self.edges, self.by = nodes, edges, by
        self.flows, self.skipped_flows = flows, skipped_flows

    def __iter__(self):
        return iter((self.nodes, self.edges))

    def __repr__(self):
        return f"<relais.Graph by={self.by}: {len(self.nodes)} nodes, {len(self.edges)} edges, {self.flows} flows>"

    def to_networkx(self):
        """A networkx.DiGraph with node attributes label, actor_class, region, public and edge weight."""
        import networkx as nx
        g = nx.DiGraph()
        for row in self.nodes.itertuples():
            g.add_node(row.Index, label=row.label, actor_class=row.actor_class, region=row.region,
                       public=bool(row.public))
        g.add_weighted_edges_from(zip(self.edges.source.tolist(), self.edges.target.tolist(),
                                      self.edges.weight.tolist()))
        return g

    def to_igraph(self):
        """An igraph.Graph (directed) with vertex attributes label, actor_class, region, public and
        edge attribute weight; vertex i is node id i."""
        import igraph as ig
        g = ig.Graph(n=len(self.nodes), edges=list(zip(self.edges.source.tolist(), self.edges.target.tolist())),
                     directed=True)
        for col in ("label", "actor_class", "region"):
            g.vs[col] = self.nodes[col].tolist()
        g.vs["public"] = [bool(x) for x in self.nodes.public]
        g.es["weight"] = self.edges.weight.tolist()
        return g


class _Who:
    """The journalists' questions of `relais who`."""

    def __init__(self, store):
        self._store = store

    def _ask(self, query, args, layers, top, pseudonymise, as_json, tables):
        answer = _json.loads(self._store._core.who(query, list(args), _layers(layers), int(top), bool(pseudonymise)))
        if as_json:
            return answer
        for name in tables:
            if name in answer:
                answer[name] = _table(answer[name])
        return answer

    def amplifiers_of(self, actor, layers=None, top=20, pseudonymise=True, as_json=False):
        """Actors whose items derive from `actor`'s items; `results` is a DataFrame (best first)."""
        return self._ask("amplifiers_of", [actor], layers, top, pseudonymise, as_json, ["results"])

    def first_sharers(self, url, layers=None, top=20, pseudonymise=True, as_json=False):
        """The social items that shared `url`, earliest first; `results` is a DataFrame."""
        return self._ask("first_sharers", [url], layers, top, pseudonymise, as_json, ["results"])

    def path(self, source, target, layers=None, top=20, pseudonymise=True, as_json=False):
        """The strongest chain of flows from `source` to `target`; `hops` is a DataFrame."""
        return self._ask("path", [source, target], layers, top, pseudonymise, as_json, ["hops"])


class Store:
    """A store opened read-only (`relais.open`). Calls on one Store are serialised; open one Store
    per thread to run queries in parallel."""

    def __init__(self, path):
        self.path = _os.fspath(path)
        self._core = _core.Store(self.path)
        self.who = _Who(self)

    def __repr__(self):
        return f"<relais.Store {self.path!r}>"

    def close(self):
        self._core.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def stats(self):
        """Items, expansions, actors, by_channel, by_class, flows_by_layer, first, last (as `relais stats --json`)."""
        return _json.loads(self._core.stats())

    def items(self, start=None, end=None, channel=None, actor_class=None, actor=None, columns=None, chunksize=None,
              pseudonymise=True):
        """Items ordered by (time, id) as a DataFrame, or an iterator of DataFrames of at most
        `chunksize` rows (bounded memory on large stores). Items of non-public actors show the
        actor's pseudonym and no key or URL unless pseudonymise=False."""
        if columns is not None:
            columns = [columns] if isinstance(columns, str) else list(columns)
            unknown = [c for c in columns if c not in ITEM_COLUMNS]
            if unknown:
                raise UsageError(f"unknown item column {unknown[0]!r} (expected {', '.join(ITEM_COLUMNS)})")
        wanted = list(columns) if columns is not None else list(ITEM_COLUMNS)
        with_text = "text" in wanted or "title" in wanted
        if chunksize is not None and int(chunksize) <= 0:
            raise UsageError("chunksize must be positive")
        reader = _core.ItemReader(self._core, _time(start, "start"), _time(end, "end"), channel or "",
                                  actor_class or "", actor or "", with_text, bool(pseudonymise))
        chunks = self._item_chunks(reader, wanted, int(chunksize) if chunksize else 1 << 20)
        if chunksize is not None:
            return chunks
        frames = list(chunks)
        if not frames:
            return self._item_frame({}, wanted)
        return frames[0] if len(frames) == 1 else _pd.concat(frames, ignore_index=True)

    @staticmethod
    def _item_frame(cols, wanted):
        data = {}
        for c in wanted:
            if c == "time":
                data[c] = _utc_ms(cols.get("time", []))
            elif c in ("actor_public", "expansion"):
                data[c] = _np.asarray(cols.get(c, []), dtype=bool)
            elif c == "id":
                data[c] = _np.asarray(cols.get(c, []), dtype=_np.int64)
            else:
                data[c] = _pd.Series(cols.get(c, []), dtype=object)
        return _pd.DataFrame(data, columns=wanted)

    def _item_chunks(self, reader, wanted, rows):
        while True:
            cols = reader.next(rows)
            if cols is None:
                return
            yield self._item_frame(cols, wanted)

    def flows(self, by="class", layers=None, at=None, before=None, after=None, start=None, end=None,
              pseudonymise=True, as_json=False):
        """The flow matrix (as `relais flows --json`): one row per non-empty cell with window,
        source, target, count, share, row_share, median_latency_s. With `at`, windows "before" and
        "after" (30d each by default) and `.attrs["difference"]` (a DataFrame of per-cell changes)."""
        j = _json.loads(self._core.flows(by, _layers(layers), _time(start, "start"), _time(end, "end"),
                                         _time(at, "at"), _duration(before, "before"), _duration(after, "after"),
                                         bool(pseudonymise)))
        if as_json:
            return j
        rows = []
        for w in j["windows"]:
            for cell in w["cells"]:
                rows.append({"window": w["name"], **cell})
        cols = ["window", "source", "target", "count", "share", "row_share", "median_latency_s"]
        df = _pd.DataFrame(rows, columns=cols) if rows else _pd.DataFrame(columns=cols)
        df.attrs["by"] = j["by"]
        df.attrs["windows"] = [{k: v for k, v in w.items() if k != "cells"} for w in j["windows"]]
        if "difference" in j:
            df.attrs["difference"] = _table(j["difference"])
        return df

    def rank(self, metric="pagerank", by="actor", top=20, layers=None, start=None, end=None, directed=True,
             weighted=False, damping=0.85, epsilon=0.0, delta=0.1, seed=1, threads=None, pseudonymise=True,
             as_json=False):
        """Scores of the credit graph's nodes (as `relais rank --store --json`): DataFrame node, score
        in the CLI's order. metric: pagerank, hits, kcore, betweenness or degree; top=0 for all."""
        text, skipped = self._core.rank(metric, by, int(top), _layers(layers), _time(start, "start"),
                                        _time(end, "end"), bool(directed), bool(weighted), float(damping),
                                        float(epsilon), float(delta), int(seed), _threads(threads),
                                        bool(pseudonymise))
        j = _json.loads(text)
        if as_json:
            return j
        df = _pd.DataFrame(j["results"], columns=["node", "score"])
        df.attrs["metric"] = j["metric"]
        df.attrs["skipped_flows"] = skipped
        return df

    def event(self, at, before, after, bin="1h", outcome="items", design="its", treated="", model="ols",
              slope_change=False, harmonics=0, period=0.0, hac_lags=-1, placebos=0, bootstrap=0, block_length=0,
              seed=1, bandwidth="", donut="", es_bins=6, as_json=False):
        """Event study on the store (as `relais event --store --json`): design its, rd or did;
        `coefficients` is a DataFrame (term, estimate, se)."""
        j = _json.loads(self._core.event(_time(at, "at"), _duration(before, "before"), _duration(after, "after"),
                                         _duration(bin, "bin"), outcome, design, treated, model, bool(slope_change),
                                         int(harmonics), float(period), int(hac_lags), int(placebos),
                                         int(bootstrap), int(block_length), int(seed),
                                         _duration(bandwidth, "bandwidth") if bandwidth else "",
                                         _duration(donut, "donut") if donut else "", int(es_bins)))
        if as_json:
            return j
        j["coefficients"] = _table(j["coefficients"], ["term", "estimate", "se"])
        return j

    def leadlag(self, a, b, bin="1h", max_lag="48h", start=None, end=None, criterion="aic", te_bins=2,
                permutations=200, seed=1, as_json=False):
        """Who leads whom between two classes or outcome specs (as `relais leadlag --store --json`):
        Granger tests, transfer entropy, cross-correlation and latencies; `latency` is a DataFrame."""
        j = _json.loads(self._core.leadlag(a, b, _duration(bin, "bin"), _duration(max_lag, "max_lag"),
                                           _time(start, "start"), _time(end, "end"), criterion, int(te_bins),
                                           int(permutations), int(seed)))
        if as_json:
            return j
        j["latency"] = _pd.DataFrame.from_dict(j["latency"], orient="index")
        return j

    def influence(self, groups="class", start=None, end=None, beta=0.0, bootstrap=0, max_iterations=2000, seed=1,
                  as_json=False):
        """Multivariate exponential Hawkes fit between groups (as `relais influence --store --json`):
        `alpha` and `caused_share` as DataFrames indexed by source and target group, `mu` and
        `counts` as Series by group."""
        j = _json.loads(self._core.influence(groups, _time(start, "start"), _time(end, "end"), float(beta),
                                             int(bootstrap), int(max_iterations), int(seed)))
        return j if as_json else _influence_frames(j)

    def cascades(self, root=None, top=20, layers="retweet,quote,reply", followers=None, threads=None,
                 pseudonymise=True, as_json=False):
        """Retweet/quote/reply trees (as `relais cascades --json`): `cascades` is a DataFrame (root,
        actor, time, size, depth, max_breadth, structural_virality); with `root`, `nodes` holds that
        tree node by node."""
        j = _json.loads(self._core.cascades(root, int(top), _layers(layers),
                                            None if followers is None else _os.fspath(followers),
                                            _threads(threads), bool(pseudonymise)))
        if as_json:
            return j
        nodes = [n for c in j["cascades"] for n in c.pop("nodes", [])]
        cols = ["root", "actor", "time", "size", "depth", "max_breadth", "structural_virality"]
        df = _pd.DataFrame(j["cascades"], columns=cols)
        df["time"] = _pd.to_datetime(df["time"], utc=True)
        j["cascades"] = df
        if root is not None:
            nd = _pd.DataFrame(nodes, columns=["item", "parent", "depth", "time", "layer"])
            nd["time"] = _pd.to_datetime(nd["time"], utc=True)
            j["nodes"] = nd
        return j

    def graph(self, by="actor", layers=None, start=None, end=None, pseudonymise=True):
        """The flow graph rank uses (arcs source → derived, weight = number of flows) as a Graph:
        `nodes` (index = node id; label, actor_class, region, public) and `edges` (source, target
        node ids, weight). by: item, actor, class or region."""
        g = self._core.graph(by, _layers(layers), _time(start, "start"), _time(end, "end"), bool(pseudonymise))
        nodes = _pd.DataFrame({"label": _pd.Series(g["label"], dtype=object),
                               "actor_class": _pd.Series(g["actor_class"], dtype=object),
                               "region": _pd.Series(g["region"], dtype=object),
                               "public": _np.asarray(g["public"], dtype=bool)})
        nodes.index.name = "node"
        edges = _pd.DataFrame({"source": g["source"], "target": g["target"], "weight": g["weight"]})
        return Graph(nodes, edges, by, g["flows"], g["skipped_flows"])


def _influence_frames(j):
    """`alpha` and `caused_share` as DataFrames indexed by group, `mu` and `counts` as Series."""
    names = j["groups"]
    for key in ("alpha", "caused_share"):
        df = _pd.DataFrame(j[key], index=names, columns=names)
        df.index.name, df.columns.name = ("source", "target") if key == "alpha" else ("target", "source")
        j[key] = df
    for key in ("mu", "counts"):
        j[key] = _pd.Series(j[key], index=names, name=key)
    return j


def _events_csv(events, folder):
    """Writes a DataFrame's `time` and `group` columns as the CSV `influence --events` reads; returns its path."""
    missing = [c for c in ("time", "group") if c not in events.columns]
    if missing:
        raise UsageError("influence_events: the DataFrame lacks column(s) " + ", ".join(missing))
    frame = events[["time", "group"]].copy()
    if _pd.api.types.is_datetime64_any_dtype(frame["time"]):
        t = frame["time"]
        if t.dt.tz is None:
            t = t.dt.tz_localize("UTC")
        frame["time"] = t.dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"  # ms
    path = _os.path.join(folder, "events.csv")
    frame.to_csv(path, index=False)
    return path


def influence_events(events, beta=0.0, bootstrap=0, max_iterations=2000, seed=1, as_json=False):
    """Multivariate exponential Hawkes fit of your own events (as `relais influence --events CSV --json`).

    `events` is a CSV path with columns `time` (number, or ISO 8601 -> hours) and `group`, or a DataFrame with
    those columns (datetime64 times are passed as ISO 8601). Results as `Store.influence`."""
    with _tempfile.TemporaryDirectory(prefix="relais-events-") as tmp:
        path = _os.fspath(events) if not isinstance(events, _pd.DataFrame) else _events_csv(events, tmp)
        j = _json.loads(_core.influence_events(path, float(beta), int(bootstrap), int(max_iterations), int(seed)))
    return j if as_json else _influence_frames(j)


def open(store):  # noqa: A001 (the module's entry point, as relais.open)
    """Opens a store folder read-only; raises DataError when it does not exist."""
    return Store(store)


def _progress_printer(progress):
    if progress is None or progress is False:
        return None
    if callable(progress):
        return progress
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    state = {}

    def report(p):
        if p.get("phase", "files") != "files":
            if state.get("bar") is not None:
                state["bar"].set_postfix_str(f"{p['phase']} {p['partitions_done']}/{p['partitions']} partitions")
            else:
                print(f"ingest: {p['phase']}: {p['partitions_done']}/{p['partitions']} partitions done, "
                      f"{p['seconds']:.0f} s", file=_sys.stderr)
            return
        if tqdm is not None:
            bar = state.get("bar")
            if bar is None:
                bar = state["bar"] = tqdm(unit=" records", desc="ingest")
            bar.update(p["records"] - bar.n)
            bar.set_postfix_str(f"file {p['file_index'] + 1}/{p['num_files']}")
        else:
            rate = p["records"] / p["seconds"] if p["seconds"] > 0 else 0
            print(f"ingest: file {p['file_index'] + 1}/{p['num_files']} {p['path']}: {p['records']} records, "
                  f"{rate:.0f} records/s", file=_sys.stderr)

    return report


def ingest(store, paths, actors=None, threads=None, progress=None):
    """Reads files or folders into a store (created if needed), as `relais ingest`; returns the
    accounting dict of `relais ingest --json`. `progress`: a callable receiving dicts (phase, file_index,
    num_files, path, records, seconds, partitions_done, partitions) about once a second while reading files
    (phase "files"), then as each partition's indexes and flows are done (phases "indexes", "flows"), or True
    for a tqdm bar (or stderr lines).
    When inputs fail the others are ingested and DataError is raised with `.accounting` set."""
    if isinstance(paths, (str, _os.PathLike)):
        paths = [paths]
    if isinstance(actors, (str, _os.PathLike)):
        actors = [actors]
    text, failed = _core.ingest(_os.fspath(store), [_os.fspath(p) for p in paths],
                                [_os.fspath(a) for a in (actors or [])], _threads(threads),
                                _progress_printer(progress))
    accounting = _json.loads(text)
    if failed:
        err = DataError(f"{failed[0]} ({len(failed)} input(s) could not be ingested; the others were)")
        err.accounting = accounting
        err.failed = failed
        raise err
    return accounting


def reuse(store, sources=("pr", "press"), targets=("press", "social"), min_score=0.5, threads=None, groups=False,
          progress=None, as_json=False, pseudonymise=True):
    """Finds text-reuse flows and stores them (replacing the store's `reuse` flows), as `relais
    reuse`; returns a DataFrame of the flows (source, target, score, source_span, target_span,
    latency_ms) or, with groups=True, of syndication groups. `as_json=True` returns the list of the
    CLI's JSON lines as dicts. Opens the store for writing: close other handles' long reads first.
    Posts of non-public accounts appear as item pseudonyms unless pseudonymise=False."""
    if isinstance(sources, str):
        sources = sources.split(",")
    if isinstance(targets, str):
        targets = targets.split(",")
    if progress is True:
        progress = lambda p: print(f"reuse: {p['stage']} {p['done']}", file=_sys.stderr)  # noqa: E731
    lines = _core.reuse(_os.fspath(store), [s for s in sources if s], [t for t in targets if t], float(min_score),
                        _threads(threads), bool(groups), progress or None, bool(pseudonymise))
    rows = [_json.loads(line) for line in lines]
    if as_json:
        return rows
    cols = ["source", "members"] if groups else ["source", "target", "score", "source_span", "target_span",
                                                 "latency_ms"]
    return _pd.DataFrame(rows, columns=cols)


def synth(out, seed=1, scale="small", threads=None, dirty=0.0, event=None, deactivation=False):
    """Generates the synthetic world with planted truth into `out` (as `relais synth --json`)."""
    return _json.loads(_core.synth(_os.fspath(out), int(seed), scale, _threads(threads), float(dirty),
                                   _time(event, "event"), bool(deactivation)))
