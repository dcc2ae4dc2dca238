from __future__ import annotations

from django_tables2 import utils

from core.tables_speedup import remembered_signature


class Column:
    def render(self, value, record):
        return value


def test_signature_is_looked_up_once_per_function_and_stays_correct(monkeypatch):
    calls = []
    original = utils.inspect.signature

    def counting(fn, **kwargs):
        calls.append(fn)
        return original(fn, **kwargs)

    monkeypatch.setattr(utils.inspect, "signature", counting)
    first, second = Column().render, Column().render
    assert remembered_signature(first) == (("value", "record"), None)
    assert remembered_signature(second) == (("value", "record"), None)
    assert len(calls) == 1
    assert utils.signature is remembered_signature  # installed when the app loads
