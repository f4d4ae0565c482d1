"""The benchmark harness itself: percentiles, the table and its bars, reading the dataset, picking samples."""

from __future__ import annotations

import json
import math
import random
from pathlib import Path

from bench import dataset, report
from bench.runner import _phrase
from bench.stats import Summary, percentile
from bench.table import Row, advantage_at_least, at_most, render_markdown, render_text
from frontdesk.demo.generate import Spec, generate, write_jsonl


def test_percentiles_interpolate_between_ranks():
    # given
    samples = [float(n) for n in range(1, 101)]
    # when
    summary = Summary.of(samples)
    # then
    assert percentile(samples, 50) == 50.5
    assert summary.p99 == 99.01
    assert summary.max == 100.0
    assert math.isnan(Summary.of([]).p50)


def test_advantage_points_the_right_way_for_throughput_and_latency():
    # given
    throughput = Row("created", "sqlite", "/s", 500.0, 100.0, True, advantage_at_least(5))
    latency = Row("list p99", "sqlite", "ms", 40.0, 800.0, False, at_most(50, "ms"))
    slow = Row("list p99", "postgres", "ms", 60.0, 800.0, False, at_most(50, "ms"))
    # then
    assert throughput.advantage == 5.0 and throughput.verdict == "PASS"
    assert latency.advantage == 20.0 and latency.verdict == "PASS"
    assert slow.verdict == "FAIL"


def test_table_renders_as_text_and_markdown():
    # given
    rows = [Row("inbox list SQL queries", "sqlite", "", 9.0, 90.0, False, at_most(15, "queries"))]
    # when
    text, markdown = render_text(rows), render_markdown(rows)
    # then
    assert "inbox list SQL queries" in text and "10.0x" in text and "PASS" in text
    assert markdown.splitlines()[0].startswith("| figure |")
    assert markdown.count("\n") == 2


def test_report_rows_come_from_results_with_bars_only_on_full_data():
    # given
    results = {
        "config": {"tickets": 5000, "messages_per_ticket": 10, "clients": 8},
        "databases": {"sqlite": {
            "create": {"frontdesk": {"per_second": 600.0}, "peer": {"per_second": 60.0}},
            "reads": {"frontdesk": {"list": {"ms": {"p50": 5.0, "p99": 9.0}, "queries": 8}},
                      "peer": {"list": {"ms": {"p50": 300.0, "p99": 900.0}, "queries": 90}}},
        }},
    }
    # when
    rows = {r.figure: r for r in report.rows(results)}
    # then
    assert rows["tickets created per second (8 clients)"].verdict == "PASS"
    assert rows["inbox list p99"].bar is None  # 5,000 tickets is not the size the bar is for
    assert rows["inbox list SQL queries"].verdict == "PASS"


def test_dataset_reads_the_generators_records(tmp_path: Path):
    # given
    path = tmp_path / "tickets.jsonl"
    with path.open("w", encoding="utf-8") as out:
        write_jsonl(generate(Spec(tickets=30, messages=4, numbered=True)), out)
    # when
    records = list(dataset.read(path))
    # then
    assert [r.number for r in records] == list(range(1, 31))
    assert all(len(r.messages) == 4 and r.messages[0].body for r in records)
    assert all(not r.messages[0].by_agent for r in records)  # a ticket opens with the customer's message
    assert {r.queue for r in records} <= {json.loads(line)["brand"] for line in path.read_text().splitlines()}


def test_search_phrase_is_two_content_words_of_the_message():
    # given
    body = "Hello,\n\nThe export button does nothing since the update of the mobile application.\n\nKind regards\nAda"
    # when
    phrase = _phrase(body, random.Random(1))
    # then
    words = phrase.split()
    assert len(words) == 2 and phrase in body.lower()
    assert all(len(w) >= 5 for w in words)
