"""A line a cell printed in two chunks (the kernel flushes stdout on a timer) is rendered as
the one line it was, so two builds of one commit cannot differ by where a flush fell."""

from __future__ import annotations

import runpy

import nbformat
from book_build import ROOT


def stream(name: str, text: str):
    return nbformat.v4.new_output("stream", name=name, text=text)


def test_chunks_of_one_line_are_merged_into_that_line():
    merge = runpy.run_path(str(ROOT / "conf" / "conf.py"))["_concatenate_streams"]
    split = [stream("stdout", "E[e] :"), stream("stdout", " tensor([0.])\nnext\n")]
    whole = [stream("stdout", "E[e] : tensor([0.])\nnext\n")]
    assert [o["text"] for o in merge(split)] == [o["text"] for o in merge(whole)]
    assert merge(split)[0]["text"] == "E[e] : tensor([0.])\nnext\n"


def test_stdout_and_stderr_stay_apart():
    merge = runpy.run_path(str(ROOT / "conf" / "conf.py"))["_concatenate_streams"]
    out = merge([stream("stdout", "a"), stream("stderr", "w\n"), stream("stdout", "b\n")])
    assert sorted((o["name"], o["text"]) for o in out) == [("stderr", "w\n"), ("stdout", "ab\n")]
