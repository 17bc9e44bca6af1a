"""Shared fixtures: one small synthetic world and its store, made once per session with the CLI."""
import json
import os
import subprocess

import pytest

RELAIS_BIN = os.environ.get("RELAIS_BIN", "build/toolkit/relais")


def run_cli(*args, check=True):
    """Runs the relais CLI; returns (exit code, stdout, stderr)."""
    p = subprocess.run([RELAIS_BIN, *map(str, args)], capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"relais {' '.join(map(str, args))} failed ({p.returncode}): {p.stderr}")
    return p.returncode, p.stdout, p.stderr


def cli_json(*args):
    """The CLI's --json output without "ranks" (how many MPI ranks computed it: always 1 here; the
    module has no such field)."""
    out = json.loads(run_cli(args[0], "--json", *args[1:])[1])
    assert out.pop("ranks") == 1
    return out


def cli_error(*args):
    """The one-line message of a failing CLI call, without the `relais: error: ` prefix, and its exit code."""
    code, _, err = run_cli(*args, check=False)
    assert code != 0, f"relais {' '.join(map(str, args))} succeeded"
    line = [l for l in err.splitlines() if l.startswith("relais: error: ")][-1]
    return code, line[len("relais: error: "):]


@pytest.fixture(scope="session")
def world(tmp_path_factory):
    out = tmp_path_factory.mktemp("world") / "w"
    summary = cli_json("synth", "--out", out, "--seed", "1", "--scale", "small")
    return out, summary


@pytest.fixture(scope="session")
def store_dir(world, tmp_path_factory):
    out, _ = world
    st = tmp_path_factory.mktemp("store") / "st"
    accounting = cli_json("ingest", "--store", st, "--actors", out / "actors.csv", "--", out / "data")
    return st, accounting


@pytest.fixture(scope="session")
def store(store_dir):
    import relais
    with relais.open(store_dir[0]) as st:
        yield st
