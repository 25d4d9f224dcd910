"""The model is standard frozen dataclasses: fields, asdict, replace and hashing all work."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from kouryu_cli.core import model
from kouryu_cli.planfile import open_plan

MODEL_CLASSES = [
    cls
    for cls in vars(model).values()
    if isinstance(cls, type)
    and cls.__module__ == model.__name__
    and not issubclass(cls, model.LabelledEnum)
]


def test_there_are_model_classes() -> None:
    assert {"Plan", "Measure", "Indicator", "Series", "Observation"} <= {
        c.__name__ for c in MODEL_CLASSES
    }


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_each_model_class_is_a_frozen_dataclass_with_slots(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    assert params.frozen
    assert "__slots__" in vars(cls)


def test_the_shipped_plan_is_plain_immutable_data() -> None:
    plan = open_plan(None, use_cache=False)
    as_dict = dataclasses.asdict(plan)
    assert len(as_dict["policies"]) == 3
    assert {f.name for f in dataclasses.fields(plan)} >= {"policies", "indicators", "measures"}
    copy = pickle.loads(pickle.dumps(plan))  # noqa: S301 (bytes this test just made)
    assert hash(plan) == hash(copy)
    assert copy == plan
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.city = "x"  # type: ignore[misc]


def test_replace_keeps_the_derived_measures_in_step() -> None:
    plan = open_plan(None, use_cache=False)
    assert len(plan.measures) == 49
    fewer = dataclasses.replace(plan, policies=plan.policies[:1])
    assert len(fewer.measures) == sum(len(s.measures) for s in plan.policies[0].sections)
    assert fewer.measures == tuple(m for s in plan.policies[0].sections for m in s.measures)
