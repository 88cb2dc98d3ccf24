"""The help text of the schemas names every field of every model, and nothing else."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from cxokr import model, model_config
from cxokr.edit import field_help

MODELS = sorted(
    (
        value
        for value in vars(model).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ in (model.__name__, model_config.__name__)
        and value.model_fields
    ),
    key=lambda found: found.__name__,
)


def test_the_models_are_all_found() -> None:
    assert [found.__name__ for found in MODELS] == sorted(
        [
            "Chat",
            "Checkin",
            "Config",
            "Connection",
            "Decision",
            "Item",
            "KeyResult",
            "Metric",
            "Objective",
            "OkrFile",
            "Period",
            "Reading",
            "StartReading",
            "Sync",
            "Team",
            "Thresholds",
            "WholeSum",
            "WholeWeighted",
        ]
    )


def test_the_table_names_only_models_there_are() -> None:
    assert sorted(field_help.HELP) == [found.__name__ for found in MODELS]


@pytest.mark.parametrize("found", MODELS, ids=lambda found: found.__name__)
def test_every_field_has_help_and_the_help_no_other_field(found: type[BaseModel]) -> None:
    assert sorted(field_help.HELP[found.__name__]) == sorted(found.model_fields)


@pytest.mark.parametrize("found", MODELS, ids=lambda found: found.__name__)
def test_every_help_text_says_what_and_gives_an_example(found: type[BaseModel]) -> None:
    for field, text in field_help.HELP[found.__name__].items():
        meaning, _, example = text.partition(" Example: ")
        assert meaning.strip(), (found.__name__, field)
        assert example.strip(), (found.__name__, field)


def test_describe_reads_the_table() -> None:
    assert field_help.describe("Checkin", "score") == field_help.HELP["Checkin"]["score"]
    assert field_help.describe("Checkin", "colour") is None
    assert field_help.describe("Nothing", "score") is None
