"""Blocking keys: a frequent name key blocks only together with the city or the trade."""

from clusterhub.resolution import engine


def _records(*rows):
    return [
        {"unique_id": i, "name_keys": keys, "city": city, "trade": trade}
        for i, (keys, city, trade) in enumerate(rows)
    ]


def test_rare_key_blocks_alone_and_frequent_key_with_city_or_trade(monkeypatch):
    monkeypatch.setattr(engine, "BLOCK_KEY_QUALIFY_FREQUENCY", 2)
    table = engine.records_to_arrow(
        _records(
            (["huaxiang", "fuao"], "长春", "零部件"),
            (["huaxiang"], "长春", None),
            (["huaxiang"], None, "照明"),
            (["fuao"], None, None),
            (None, "长春", None),
        )
    )
    assert table.column("block_keys").to_pylist() == [
        ["fuao", "huaxiang|c:长春", "huaxiang|t:零部件"],
        ["huaxiang|c:长春"],
        ["huaxiang|t:照明"],
        ["fuao"],
        None,
    ]


def test_key_too_frequent_even_when_qualified_is_dropped(monkeypatch):
    monkeypatch.setattr(engine, "BLOCK_KEY_QUALIFY_FREQUENCY", 1)
    monkeypatch.setattr(engine, "BLOCK_KEY_MAX_FREQUENCY", 2)
    table = engine.records_to_arrow(_records(*[(["qiche"], "长春", None)] * 3))
    assert table.column("block_keys").to_pylist() == [None, None, None]


def test_frequent_keys_counted_elsewhere_are_dropped():
    table = engine.records_to_arrow(
        _records((["qiche", "fuao"], "长春", None), (["qiche"], None, None)), frequent={"qiche"}
    )
    assert table.column("block_keys").to_pylist() == [["fuao"], None]
