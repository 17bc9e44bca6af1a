"""The Python module against the CLI's JSON on one small synthetic store."""
import csv
import threading
import time

import pandas as pd
import pytest

import relais
from conftest import cli_error, cli_json, run_cli

EVENT = "2021-01-08T23:21Z"


def without_seconds(d):
    return {k: v for k, v in d.items() if k != "seconds"}


# --- stats and items -------------------------------------------------------------------------------

def test_stats_equals_cli(store, store_dir):
    assert store.stats() == cli_json("stats", "--store", store_dir[0])


def test_items_all_rows_and_types(store):
    stats = store.stats()
    df = store.items()
    assert len(df) == stats["items"]
    assert str(df["time"].dtype) == "datetime64[ns, UTC]"
    assert df["id"].is_unique
    assert list(df.columns) == list(relais.ITEM_COLUMNS)
    timed = df["time"].dropna()
    assert timed.is_monotonic_increasing
    assert timed.min() == pd.Timestamp(stats["first"])
    assert timed.max() == pd.Timestamp(stats["last"])
    for channel, n in stats["by_channel"].items():
        assert (df["channel"] == channel).sum() == n
        assert len(store.items(channel=channel, columns=["id"])) == n
    assert int(df["expansion"].sum()) == stats["expansions"]


def test_items_chunks_equal_whole(store):
    whole = store.items(columns=["id", "time", "actor", "kind"])
    chunks = list(store.items(columns=["id", "time", "actor", "kind"], chunksize=997))
    assert len(chunks) == -(-len(whole) // 997)
    assert all(len(c) <= 997 for c in chunks)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), whole)


def test_items_window_and_filters(store):
    start, end = pd.Timestamp("2021-01-01", tz="UTC"), pd.Timestamp(EVENT)
    df = store.items(start=start, end="2021-01-08T23:21Z", columns=["time", "actor_class", "channel"])
    assert len(df) > 0
    assert (df["time"] >= start).all() and (df["time"] < end).all()
    everything = store.items(columns=["time"])
    assert len(df) == ((everything["time"] >= start) & (everything["time"] < end)).sum()
    press = store.items(actor_class="press-regional", columns=["actor_class", "actor"])
    assert len(press) > 0 and (press["actor_class"] == "press-regional").all()
    one = press["actor"].iloc[0]
    mine = store.items(actor=one, columns=["actor"])
    assert len(mine) == (press["actor"] == one).sum() and (mine["actor"] == one).all()


def test_items_pseudonymised_by_default(store):
    shown = store.items(columns=["id", "key", "url", "actor", "actor_public"])
    raw = store.items(columns=["id", "key", "url", "actor", "actor_public"], pseudonymise=False)
    private = ~shown["actor_public"] & shown["actor"].notna()
    assert private.sum() > 0
    assert shown.loc[private, "actor"].str.startswith("anon-").all()
    assert shown.loc[private, "key"].isna().all() and shown.loc[private, "url"].isna().all()
    hidden = set(raw.loc[private, "actor"])
    assert not hidden & set(shown["actor"].dropna())
    assert not set(raw.loc[private, "key"]) & set(shown["key"].dropna())
    # Public actors and their items stay named.
    pd.testing.assert_frame_equal(shown[~private], raw[~private])


# --- flows, rank, graph ----------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    dict(by="class"),
    dict(by="region", layers=["link", "retweet"]),
    dict(by="class", at=EVENT, before="30d", after="30d"),
    dict(by="actor", start="2021-01-01", end=EVENT),
])
def test_flows_equal_cli(store, store_dir, args):
    cli = ["flows", "--store", store_dir[0], "--by", args["by"]]
    if "layers" in args:
        cli += ["--layers", ",".join(args["layers"])]
    for k, flag in (("at", "--at"), ("before", "--before"), ("after", "--after"), ("start", "--from"),
                    ("end", "--to")):
        if k in args:
            cli += [flag, args[k]]
    expected = cli_json(*cli)
    assert store.flows(**args, as_json=True) == expected
    df = store.flows(**args)
    cells = [dict(window=w["name"], **c) for w in expected["windows"] for c in w["cells"]]
    assert len(df) == len(cells) > 0
    got = df.to_dict("records")
    for g, e in zip(got, cells):
        for k, v in e.items():
            assert (v is None and pd.isna(g[k])) or g[k] == v
    if "at" in args:
        assert set(df["window"]) == {"before", "after"}
        assert len(df.attrs["difference"]) == len(expected["difference"])


def test_flows_datetime_and_timedelta_arguments(store):
    import datetime as dt
    a = store.flows(at=pd.Timestamp(EVENT), before=dt.timedelta(days=30), after=pd.Timedelta("30d"), as_json=True)
    assert a == store.flows(at=EVENT, before="30d", after="30d", as_json=True)


@pytest.mark.parametrize("args", [
    ["--metric", "pagerank"],
    ["--metric", "degree", "--top", "0"],
    ["--metric", "hits", "--by", "class", "--layers", "retweet,quote"],
    ["--metric", "kcore", "--undirected", "--top", "50"],
    ["--metric", "pagerank", "--weighted", "--from", "2021-01-01T00:00Z", "--to", EVENT],
])
def test_rank_equals_cli(store, store_dir, args):
    expected = cli_json("rank", "--store", store_dir[0], *args)
    kw = {}
    it = iter(args)
    for flag in it:
        if flag == "--undirected":
            kw["directed"] = False
        elif flag == "--weighted":
            kw["weighted"] = True
        else:
            value = next(it)
            key = {"--from": "start", "--to": "end"}.get(flag, flag[2:])
            kw[key] = int(value) if key == "top" else value
    assert store.rank(**kw, as_json=True) == expected
    df = store.rank(**kw)
    assert df["node"].tolist() == [r["node"] for r in expected["results"]]
    assert df["score"].tolist() == [r["score"] for r in expected["results"]]
    assert df.attrs["metric"] == expected["metric"]


def test_rank_pseudonymised_like_cli(store, store_dir):
    expected = cli_json("rank", "--store", store_dir[0], "--metric", "degree", "--top", "0")
    nodes = store.rank(metric="degree", top=0)["node"]
    assert nodes.str.startswith("anon-").sum() > 0
    raw = cli_json("rank", "--store", store_dir[0], "--metric", "degree", "--top", "0", "--no-pseudonymise")
    assert store.rank(metric="degree", top=0, pseudonymise=False, as_json=True) == raw
    assert raw != expected


def test_graph_matches_export_and_rank(store, store_dir, tmp_path):
    g = store.graph(by="actor")
    nodes, edges = g
    assert nodes.index.name == "node" and len(nodes) > 0 and len(edges) > 0
    assert int(edges["weight"].sum()) == g.flows
    # The export's CSV edges (actor → actor, weight = flows) are the same graph, by label.
    run_cli("export", "--store", store_dir[0], "--format", "csv", "-o", tmp_path / "g.csv")
    with open(tmp_path / "g-nodes.csv") as f:
        label = {r["id"]: r["label"] for r in csv.DictReader(f)}
    with open(tmp_path / "g-edges.csv") as f:
        exported = {(label[r["source"]], label[r["target"]]): int(r["weight"]) for r in csv.DictReader(f)}
    ours = {}
    for s, t, w in zip(edges.source, edges.target, edges.weight):
        key = (nodes.label[s], nodes.label[t])
        ours[key] = ours.get(key, 0) + int(w)
    assert ours == exported
    # In-strength in the graph (source credited) agrees with rank's degree on the same view.
    deg = store.rank(metric="degree", top=0, weighted=True)
    assert len(deg) == len(nodes)


def test_graph_by_class_and_converters(store):
    g = store.graph(by="class", layers="retweet")
    assert set(g.nodes.label) <= set(store.stats()["by_class"])
    assert int(g.edges.weight.sum()) == g.flows
    assert g.flows + g.skipped_flows == store.stats()["flows_by_layer"]["retweet"]
    nx = pytest.importorskip("networkx")
    G = g.to_networkx()
    assert isinstance(G, nx.DiGraph) and G.number_of_nodes() == len(g.nodes)
    assert G.size(weight="weight") == g.edges.weight.sum()
    ig = pytest.importorskip("igraph")
    H = g.to_igraph()
    assert isinstance(H, ig.Graph) and H.vcount() == len(g.nodes) and sum(H.es["weight"]) == g.edges.weight.sum()


# --- who -------------------------------------------------------------------------------------------

def test_who_equals_cli(store, store_dir):
    st = store_dir[0]
    top = store.rank(metric="pagerank", top=5)["node"].tolist()
    actor = next(n for n in top if not n.startswith("anon-"))
    expected = cli_json("who", "--store", st, "--amplifiers-of", actor)
    assert store.who.amplifiers_of(actor, as_json=True) == expected
    amp = store.who.amplifiers_of(actor)
    assert isinstance(amp["results"], pd.DataFrame) and len(amp["results"]) == len(expected["results"]) > 0
    assert store.who.amplifiers_of(actor, top=3, layers=["retweet"], as_json=True) == cli_json(
        "who", "--store", st, "--amplifiers-of", actor, "--top", "3", "--layers", "retweet")

    urls = store.items(channel="press", columns=["url"])["url"].dropna()
    url = urls.iloc[len(urls) // 2]
    expected = cli_json("who", "--store", st, "--first-sharers", url)
    assert store.who.first_sharers(url, as_json=True) == expected

    target = store.who.amplifiers_of(actor, pseudonymise=False)["results"]["key"].iloc[-1]
    expected = cli_json("who", "--store", st, "--path", actor, target, "--no-pseudonymise")
    got = store.who.path(actor, target, pseudonymise=False)
    assert store.who.path(actor, target, pseudonymise=False, as_json=True) == expected
    assert len(got["hops"]) == len(expected["hops"]) > 0


# --- errors ----------------------------------------------------------------------------------------

def test_errors_carry_the_cli_messages(store, store_dir, tmp_path):
    st = store_dir[0]
    code, msg = cli_error("stats", "--store", tmp_path / "none")
    assert code == 3
    with pytest.raises(relais.DataError) as e:
        relais.open(tmp_path / "none")
    assert str(e.value) == msg

    cases = [
        (("flows", "--store", st, "--by", "planet"), lambda: store.flows(by="planet")),
        (("flows", "--store", st, "--layers", "smoke"), lambda: store.flows(layers="smoke")),
        (("flows", "--store", st, "--at", "yesterday"), lambda: store.flows(at="yesterday")),
        (("flows", "--store", st, "--at", EVENT, "--before", "soon"), lambda: store.flows(at=EVENT, before="soon")),
        (("rank", "--store", st, "--metric", "fame"), lambda: store.rank(metric="fame")),
        (("rank", "--store", st, "--metric", "pagerank", "--by", "galaxy"), lambda: store.rank(by="galaxy")),
        (("who", "--store", st, "--amplifiers-of", "@nobody_at_all"), lambda: store.who.amplifiers_of("@nobody_at_all")),
    ]
    for cli, call in cases:
        code, msg = cli_error(*cli)
        assert code == 2, cli
        with pytest.raises(relais.UsageError) as e:
            call()
        assert str(e.value) == msg
    with pytest.raises(relais.UsageError, match="channel must be social, press or pr"):
        store.items(channel="radio")
    with pytest.raises(relais.UsageError, match="unknown item column"):
        store.items(columns=["nope"])
    with pytest.raises(relais.UsageError, match="chunksize"):
        store.items(chunksize=0)
    with pytest.raises(relais.UsageError):
        relais.synth(tmp_path / "w", scale="huge")
    assert issubclass(relais.UsageError, ValueError) and issubclass(relais.DataError, RuntimeError)


# --- ingest, synth, the GIL ------------------------------------------------------------------------

class Ticker:
    """A Python thread counting while the main thread is in a C++ call."""

    def __init__(self):
        self.ticks, self.stop = [], threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self):
        while not self.stop.is_set():
            self.ticks.append(time.perf_counter())
            time.sleep(0.005)

    def __enter__(self):
        self.thread.start()
        time.sleep(0.05)
        self.begin = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.end = time.perf_counter()
        self.stop.set()
        self.thread.join()

    def during(self):
        return [t for t in self.ticks if self.begin <= t <= self.end]


def test_ingest_equals_cli_releases_gil_and_reports_progress(world, store_dir, tmp_path):
    out, _ = world
    events = []
    with Ticker() as tick:
        accounting = relais.ingest(tmp_path / "st", [out / "data"], actors=out / "actors.csv", threads=2,
                                   progress=events.append)
    assert without_seconds(accounting) == without_seconds(store_dir[1])
    assert relais.open(tmp_path / "st").stats() == cli_json("stats", "--store", store_dir[0])
    seconds = tick.end - tick.begin
    ticks = tick.during()
    # A thread blocked on the GIL would not tick at all during the call.
    assert len(ticks) >= 0.25 * seconds / 0.005, (len(ticks), seconds)
    for e in events:
        assert set(e) >= {"phase", "file_index", "num_files", "path", "records", "seconds", "partitions_done",
                          "partitions"}
    if seconds > 3:
        assert [e for e in events if e["phase"] == "files"], "no progress reported while reading for several seconds"
    # Then each partition pass: its start, then each partition as it is done.
    parts = len(list((tmp_path / "st").glob("part-*.db")))
    for phase in ("indexes", "flows"):
        assert [e["partitions_done"] for e in events if e["phase"] == phase] == list(range(parts + 1)), phase
    print(f"ingest: {seconds:.2f} s, {len(ticks)} ticks of a Python thread, {len(events)} progress reports")


def test_ingest_failed_input_raises_with_accounting(tmp_path):
    bad = tmp_path / "junk.bin"
    bad.write_bytes(b"\x00\x01not a format\n")
    good = tmp_path / "ok.jsonl"
    good.write_text('{"url": "https://www.varmatin.com/a.html", "published": "2021-01-01T00:00:00Z", '
                    '"title": "t", "text": "some text", "outlet": "varmatin.com"}\n')
    code, _, err = run_cli("ingest", "--store", tmp_path / "cli", bad, good, "--json", check=False)
    with pytest.raises(relais.DataError) as e:
        relais.ingest(tmp_path / "py", [bad, good])
    assert code == 3
    assert e.value.accounting["accepted"] == 1
    assert e.value.failed[0] in err


def test_synth_equals_cli(world, tmp_path):
    out, summary = world
    with Ticker() as tick:
        got = relais.synth(tmp_path / "w", seed=1, scale="small")
    assert without_seconds(got) == without_seconds({**summary, "out": str(tmp_path / "w")})
    assert (tmp_path / "w" / "truth.json").read_bytes() == (out / "truth.json").read_bytes()
    assert len(tick.during()) >= 0.25 * (tick.end - tick.begin) / 0.005


def test_rank_releases_gil(store):
    with Ticker() as tick:
        for _ in range(3):
            store.rank(metric="betweenness", top=5)
    assert len(tick.during()) >= 0.25 * (tick.end - tick.begin) / 0.005


PEAK_RSS = """
import sys, relais
def hwm():  # peak RSS of this process in kB (ru_maxrss would start at the forking parent's)
    return int([l for l in open("/proc/self/status") if l.startswith("VmHWM:")][0].split()[1])
st = relais.open(sys.argv[1])
base = hwm()
if sys.argv[2] == "whole":
    n = len(st.items())
else:
    n = sum(len(c) for c in st.items(chunksize=int(sys.argv[2])))
print(n, base, hwm())
"""


def test_items_chunks_bound_memory(store_dir):
    """Peak RSS above the baseline while reading every item: chunks of 2,000 rows vs one DataFrame."""
    import subprocess
    import sys

    def peak(mode):
        out = subprocess.run([sys.executable, "-c", PEAK_RSS, str(store_dir[0]), mode], capture_output=True,
                             text=True, check=True).stdout.split()
        return int(out[0]), (int(out[2]) - int(out[1])) / 1024  # MB

    n_whole, whole = peak("whole")
    n_chunks, chunked = peak("2000")
    print(f"items: {n_whole} rows; peak RSS growth whole {whole:.0f} MB, chunks of 2000 {chunked:.0f} MB")
    assert n_whole == n_chunks
    assert chunked < whole / 2, (chunked, whole)


def test_ticker_detects_a_call_holding_the_gil():
    """Control for the GIL tests: a long C call that keeps the GIL (sorting ints) stops the ticker."""
    import random
    data = [random.random() for _ in range(2_000_000)]
    with Ticker() as tick:
        sorted(data)
    seconds = tick.end - tick.begin
    assert len(tick.during()) < 0.25 * seconds / 0.005, (len(tick.during()), seconds)
