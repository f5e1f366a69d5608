"""`python -m sync bench`: requests per cycle over the API double, and the naive way measured on the same cycle."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from config.settings import Settings
from googledouble import GoogleDouble
from googledouble.discovery import request_problems
from sync.commands.bench import NaiveStore, render, run_bench
from sync.stores.store import AppendRow, EnsureTab, MarkResponse, UpdateRow, WritePlan

# its tests share a module fixture over 20 s (built once in each test process that runs one of them)
pytestmark = pytest.mark.slow


KEYS = {"idle_cycle_requests", "busy_cycle_requests", "new_responses", "letters_drafted", "requests_per_letter",
        "naive_requests", "busy_cycle_sheets_requests", "by_method"}


@pytest.fixture(scope="module")
def sent(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench") / "requests.jsonl"


@pytest.fixture(scope="module")
def figures(sent: Path) -> dict[str, Any]:
    return run_bench(requests_out=sent)  # ~40 s: the scenario is built twice, the naive way sends ~550 requests


def test_the_bench_measures_the_quota_promises(figures: dict[str, Any]) -> None:
    assert set(figures) >= KEYS
    assert json.loads(json.dumps(figures)) == figures
    assert figures["new_responses"] >= 50
    assert figures["cases_created"] + figures["responses_to_review"] == figures["new_responses"]
    assert figures["decisions_applied"] >= 5  # on the Admin, Sub Koordinator, Kepala Bidang, Tim, Kepala Dinas tabs
    # an idle cycle: two small requests (the tabs' sizes, the fingerprints) say that nothing changed
    assert figures["idle_cycle_requests"] == 2
    assert figures["by_method"]["idle_cycle"] == {"sheets.spreadsheets.get": 2}
    assert figures["full_read_requests"] == 1  # the cycle after a write reads everything, in one answer
    assert figures["by_method"]["full_read"] == {"sheets.spreadsheets.get": 1}
    assert figures["full_read_every"] == 10
    assert figures["idle_hour_later_writes"] <= 1  # no countdown to rewrite: at most the heartbeat
    assert figures["idle_hour_later_requests"] == 2 + figures["idle_hour_later_writes"]
    # the busy cycle: the two small requests, a full read unless they find nothing changed since the store's
    # first read (the bench's staff typed before it), and one atomic write
    assert figures["busy_cycle_sheets_requests"] <= 4
    assert figures["letters_drafted"] >= 2
    assert figures["requests_per_letter"] == 2
    busy = figures["by_method"]["busy_cycle"]
    assert busy == {"sheets.spreadsheets.get": busy["sheets.spreadsheets.get"], "sheets.spreadsheets.batchUpdate": 1,
                    "drive.files.copy": figures["letters_drafted"],
                    "docs.documents.batchUpdate": figures["letters_drafted"]}
    assert busy["sheets.spreadsheets.get"] in (2, 3)
    assert figures["busy_cycle_requests"] == sum(busy.values())
    assert figures["busy_cycle_requests"] == busy["sheets.spreadsheets.get"] + 1 + 2 * figures["letters_drafted"]
    assert figures["busy_cycles"] == 1
    assert 0 < figures["largest_request_bytes"] <= Settings().worker.max_request_bytes
    assert 0 < figures["largest_response_bytes"] <= Settings().worker.max_request_bytes
    # on the wire, compressed: a full read of ~60 cases answers in a few tens of kB, not the ~1.5 MB it holds
    assert 0 < figures["full_read_response_bytes"] < 200_000
    assert figures["full_read_response_bytes"] * 5 < figures["full_read_response_uncompressed_bytes"]
    assert 0 < figures["idle_cycle_response_bytes"] < 2_000  # whatever the history
    # a new office's tabs are the size of their content: its first full read is ~170 kB, not the ~1.4 MB
    # of 1,000-row tabs whose every row a dropdown covers
    assert 0 < figures["new_office_full_read_response_uncompressed_bytes"] < 300_000
    assert 0 < figures["busy_cycle_response_bytes"] < 200_000


def test_every_request_of_the_run_is_written_for_anyone_to_check(figures: dict[str, Any], sent: Path) -> None:
    lines = [json.loads(line) for line in sent.read_text(encoding="utf-8").splitlines()]
    methods = Counter(line["method_id"] for line in lines)
    assert methods["sheets.spreadsheets.batchUpdate"] >= 2 and methods["drive.files.copy"] >= 2
    assert all(set(line) == {"method", "url", "method_id", "body"} for line in lines)
    assert all(line["url"].startswith("https://") for line in lines)
    updates = [line["body"] for line in lines if line["method_id"] == "sheets.spreadsheets.batchUpdate"]
    assert all(request_problems("sheets.spreadsheets.batchUpdate", {}, body) == ([], []) for body in updates)


def test_the_naive_way_is_measured_on_the_same_cycle(figures: dict[str, Any]) -> None:
    assert figures["naive_same_plan"] and figures["naive_same_spreadsheet"]
    assert figures["naive_letters_drafted"] == figures["letters_drafted"]
    assert figures["naive_requests"] == sum(figures["by_method"]["naive"].values())
    assert figures["naive_requests"] > figures["busy_cycle_requests"]
    naive = figures["by_method"]["naive"]
    assert naive["sheets.spreadsheets.values.append"] >= figures["new_responses"]  # at least a row per response
    assert naive["sheets.spreadsheets.values.update"] >= figures["new_responses"]  # a marker cell per response


def test_render_prints_the_figures(figures: dict[str, Any]) -> None:
    text = render(figures)
    assert "idle cycle" in text and "busy cycle" in text and "gspread" in text
    for key in ("idle_cycle_requests", "busy_cycle_requests", "naive_requests"):
        assert str(figures[key]) in text


def test_the_naive_store_sends_one_call_per_row_and_per_cell_and_no_formula() -> None:
    double = GoogleDouble()
    sid = double.create_spreadsheet("SAPA", {"Respons Formulir 1": [["Timestamp", "Cerita"], [1.5, "a"], [2.5, "b"]],
                                             "Daftar": [["ID", "Catatan", "Status"], ["K-1", "", "baru"]]})
    store = NaiveStore(double.gspread_client(), sid)
    double.reset_counts()
    snapshot = store.read(["Daftar", "Tidak Ada"])
    assert snapshot.response_tabs[0].rows[1][1] == "b" and set(snapshot.tabs) == {"Daftar"}
    store.write(WritePlan((
        EnsureTab("Daftar", ("ID", "Catatan", "Status")),
        MarkResponse("Respons Formulir 1", "ID Kasus", 3, "fp", "K-2"),
        AppendRow("Daftar", (("ID", "K-2"), ("Catatan", "=SUM(1)"))),
        UpdateRow("Daftar", "ID", "K-1", 2, (("Catatan", "+62 812"), ("Status", None))),
    )))
    assert dict(double.counts) == {
        "sheets.spreadsheets.get": 2,  # open_by_key, worksheets()
        "sheets.spreadsheets.values.get": 2,  # get_all_values() per tab
        "sheets.spreadsheets.values.update": 4,  # the new marker header, the marker, two cells
        "sheets.spreadsheets.values.append": 1,
    }
    assert double.get_values(sid, "Daftar") == [["ID", "Catatan", "Status"], ["K-1", "+62 812"],
                                                  ["K-2", "=SUM(1)"]]
    assert not double.cell(sid, "Daftar", "B3").is_formula
    assert double.get_values(sid, "Respons Formulir 1")[2][2] == "K-2"


def test_over_naive_max_responses_the_naive_way_is_not_made_and_render_says_so() -> None:
    result = run_bench(responses=2, naive_max=1)
    assert result["naive_requests"] is None and result["naive_same_spreadsheet"] is None
    assert result["by_method"]["naive"] == {} and result["busy_cycle_requests"] > 0
    assert "not made (>500)" in render(result)
