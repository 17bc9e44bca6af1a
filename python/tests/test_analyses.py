"""event, leadlag, influence, cascades and reuse against the CLI's JSON; the example notebook."""
import os
import pathlib
import shutil

import pandas as pd
import pytest

import relais
from conftest import cli_error, cli_json, run_cli

EVENT = "2021-01-08T23:21Z"


@pytest.mark.parametrize("py,cli", [
    (dict(before="45d", after="45d", bin="1d", outcome="share:link:press-regional"),
     ["--before", "45d", "--after", "45d", "--bin", "1d", "--outcome", "share:link:press-regional"]),
    (dict(before="20d", after="20d", bin="6h", outcome="items:social", model="quasipoisson", placebos=5),
     ["--before", "20d", "--after", "20d", "--bin", "6h", "--outcome", "items:social", "--model", "quasipoisson",
      "--placebos", "5"]),
    (dict(before="10d", after="10d", bin="1d", design="rd", bandwidth="5d"),
     ["--before", "10d", "--after", "10d", "--bin", "1d", "--design", "rd", "--bandwidth", "5d"]),
])
def test_event_equals_cli(store, store_dir, py, cli):
    expected = cli_json("event", "--store", store_dir[0], "--at", EVENT, *cli)
    assert store.event(at=EVENT, **py, as_json=True) == expected
    got = store.event(at=EVENT, **py)
    assert got["coefficients"]["term"].tolist() == [c["term"] for c in expected["coefficients"]]
    assert got["level_change"] == expected["level_change"]


def test_event_errors(store, store_dir):
    code, msg = cli_error("event", "--store", store_dir[0], "--at", EVENT, "--before", "1d", "--after", "1d",
                          "--model", "probit")
    with pytest.raises(relais.UsageError) as e:
        store.event(at=EVENT, before="1d", after="1d", model="probit")
    assert code == 2 and str(e.value) == msg


def test_leadlag_equals_cli(store, store_dir):
    expected = cli_json("leadlag", "--store", store_dir[0], "--a", "press-regional", "--b", "politician",
                        "--max-lag", "12h", "--permutations", "50")
    assert store.leadlag("press-regional", "politician", max_lag="12h", permutations=50, as_json=True) == expected
    got = store.leadlag("press-regional", "politician", max_lag="12h", permutations=50)
    assert isinstance(got["latency"], pd.DataFrame) and set(got["latency"].index) == set(expected["latency"])


def test_influence_equals_cli(store, store_dir):
    expected = cli_json("influence", "--store", store_dir[0], "--groups", "class")
    assert store.influence(as_json=True) == expected
    got = store.influence()
    alpha = got["alpha"]
    assert list(alpha.index) == list(alpha.columns) == expected["groups"]
    assert alpha.index.name == "source" and alpha.columns.name == "target"
    for i, s in enumerate(expected["groups"]):
        for k, t in enumerate(expected["groups"]):
            assert alpha.loc[s, t] == expected["alpha"][i][k]
    assert got["mu"].tolist() == expected["mu"]



def test_influence_events_equals_cli(store, tmp_path):
    # Own events: the store's posts of three classes over two days, as a CSV and as a DataFrame.
    items = store.items(start="2021-01-06T00:00:00Z", end="2021-01-08T00:00:00Z", columns=["time", "actor_class"])
    items = items[items["actor_class"].isin(["press-regional", "press-national", "public"])]
    assert len(items) > 100
    frame = items.rename(columns={"actor_class": "group"})[["time", "group"]]
    path = tmp_path / "events.csv"
    relais_frame = frame.copy()
    relais_frame["time"] = relais_frame["time"].dt.strftime("%Y-%m-%dT%H:%M:%S.%f").str[:-3] + "Z"
    relais_frame.to_csv(path, index=False)
    expected = cli_json("influence", "--events", path, "--beta", "0.5")
    assert relais.influence_events(path, beta=0.5, as_json=True) == expected
    got = relais.influence_events(frame, beta=0.5)
    assert list(got["alpha"].index) == expected["groups"]
    assert got["mu"].tolist() == expected["mu"]
    assert got["alpha"].values.tolist() == expected["alpha"]
    with pytest.raises(relais.UsageError):
        relais.influence_events(frame.rename(columns={"group": "g"}))
    with pytest.raises(relais.UsageError):
        relais.influence_events(path, beta=-1)

def test_cascades_equal_cli(store, store_dir, world):
    st = store_dir[0]
    expected = cli_json("cascades", "--store", st, "--top", "5")
    assert store.cascades(top=5, as_json=True) == expected
    got = store.cascades(top=5)
    assert got["cascades"]["size"].tolist() == [c["size"] for c in expected["cascades"]]
    assert str(got["cascades"]["time"].dtype) == "datetime64[ns, UTC]"
    root = expected["cascades"][0]["root"]
    expected = cli_json("cascades", "--store", st, "--root", root)
    assert store.cascades(root=root, as_json=True) == expected
    assert len(store.cascades(root=root)["nodes"]) == expected["cascades"][0]["size"]
    followers = world[0] / "followers.csv"
    expected = cli_json("cascades", "--store", st, "--top", "3", "--followers", followers)
    assert store.cascades(top=3, followers=followers, as_json=True) == expected


def test_reuse_equals_cli(store_dir, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    shutil.copytree(store_dir[0], a)
    shutil.copytree(store_dir[0], b)
    _, out, _ = run_cli("reuse", "--store", a, "--json")
    import json
    expected = [json.loads(line) for line in out.splitlines() if line.strip()]
    for line in expected:
        assert line.pop("ranks") == 1  # the CLI's MPI rank count; the module has no such field
    stages = []
    assert relais.reuse(b, as_json=True, progress=stages.append) == expected
    assert len(expected) > 0
    assert relais.open(b).stats() == relais.open(a).stats()
    df = relais.reuse(b)
    assert len(df) == len(expected) and list(df.columns)[:3] == ["source", "target", "score"]
    with pytest.raises(relais.UsageError):
        relais.reuse(b, min_score=2)


def test_notebook_runs_headless(store_dir, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    preprocessors = pytest.importorskip("nbconvert.preprocessors")
    src = pathlib.Path(os.environ.get("RELAIS_SOURCE_DIR", ".")) / "examples" / "notebook.ipynb"
    nb = nbformat.read(src, as_version=4)
    os.environ["RELAIS_STORE"] = str(store_dir[0])
    package_dir = str(pathlib.Path(relais.__file__).resolve().parent.parent)  # the kernel runs in tmp_path
    old_path = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = package_dir + (os.pathsep + old_path if old_path else "")
    try:
        ep = preprocessors.ExecutePreprocessor(timeout=600, kernel_name="python3")
        ep.preprocess(nb, {"metadata": {"path": str(tmp_path)}})
    finally:
        del os.environ["RELAIS_STORE"]
        if old_path is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = old_path
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs), "the notebook drew no figure"
