"""Building blocks shared by every scenario model: the strict base class and the vocabulary of
risk colours, facility levels and capabilities.

Kept apart from `capsim.scenario.models` so that the models of a scenario's sections
(for example `capsim.scenario.targets`) can use them without importing each other.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any, Literal, NoReturn, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic import Strict as StrictType

from capsim.limits import FIRST_YEAR, LAST_YEAR

RiskColour = Literal["green", "yellow", "orange", "red", "purple"]
RISK_COLOURS: tuple[RiskColour, ...] = ("green", "yellow", "orange", "red", "purple")
#: How far a set of shares may sum from 1 and still count as summing to 1.
SHARE_TOLERANCE = 1e-6


_Key = TypeVar("_Key", bound=str)


def check_shares(values: Mapping[_Key, float], what: str) -> None:
    """Raise ValueError naming ``what`` unless ``values`` (shares) are non-negative and sum
    to 1 within `SHARE_TOLERANCE`."""
    negative = {k: v for k, v in values.items() if v < 0}
    if negative:
        k, v = next(iter(negative.items()))
        raise ValueError(f"{what} must not be negative: {k} is {v}")
    total = math.fsum(values.values())
    if abs(total - 1.0) > SHARE_TOLERANCE:
        raise ValueError(f"{what} must sum to 1, but they sum to {total:.6g}")


def check_every_colour(values: Mapping[RiskColour, object], what: str) -> None:
    """Raise ValueError naming ``what`` unless ``values`` has an entry for every risk colour."""
    missing = [c for c in RISK_COLOURS if c not in values]
    if missing:
        raise ValueError(f"{what} is missing the risk colour(s) {', '.join(missing)}")

Level = Literal["township", "county", "mch", "city_tertiary"]
#: Level of care as a rank: township health centres are level I, county/district and MCH
#: hospitals level II, city tertiary centres level III.
LEVEL_RANK: dict[str, int] = {"township": 1, "county": 2, "mch": 2, "city_tertiary": 3}

Capability = Literal["caesarean", "critical_maternal_care", "neonatal_intensive_care"]


def _not_a_boolean(value: Any) -> Any:
    # YAML reads yes/no/true/false as booleans, which Python counts as 1 and 0.
    if isinstance(value, bool):
        raise ValueError(f"must be a number, not {str(value).lower()}")
    return value


#: A number where a number is meant: an int or a float, never a boolean or a text; finite
#: (every `Strict` model refuses NaN and infinities).
Real = Annotated[float, StrictType()]
#: A whole number where one is meant: an int, never a boolean, a text or a float such as 2.0.
Whole = Annotated[int, StrictType()]
#: A calendar year as a mapping key (TOML keys are texts, so "2030" is read as 2030).
Year = Annotated[int, BeforeValidator(_not_a_boolean), Field(ge=FIRST_YEAR, le=LAST_YEAR)]


class FrozenDict(dict):
    """A mapping of a validated scenario: reads like a dict, refuses every change (TypeError),
    so that a validated scenario cannot be turned into one the validator would reject."""

    def _refuse(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError("a validated scenario cannot be changed; build a new one and validate it")

    __setitem__ = __delitem__ = __ior__ = _refuse  # type: ignore[assignment]
    clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[type, tuple[dict]]:
        # Pickled and copied as a plain dict of its items (worker processes, deepcopy).
        return (type(self), (dict(self),))


class Strict(BaseModel):
    """Base of every scenario model: unknown keys are errors, numbers are finite (NaN and
    infinities are refused wherever a float is meant) and objects are immutable, their
    mappings included."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @model_validator(mode="after")
    def _freeze_mappings(self) -> Strict:
        fields = self.__dict__
        for name in _mapping_fields(type(self)):
            value = fields.get(name)
            if isinstance(value, dict) and not isinstance(value, FrozenDict):
                fields[name] = FrozenDict(value)
        return self


#: For each scenario model, the names of its fields that may hold a mapping (filled on use).
_MAPPING_FIELDS: dict[type, tuple[str, ...]] = {}


def _mapping_fields(model: type[BaseModel]) -> tuple[str, ...]:
    """The names of ``model``'s fields whose type may be a mapping (a dict, a Mapping, or a
    type that says nothing, such as Any): the only ones `Strict` has to freeze. Checking these
    alone keeps validating a scenario, done once per point of a sweep, cheap."""
    names = _MAPPING_FIELDS.get(model)
    if names is None:
        names = tuple(name for name, field in model.model_fields.items()
                      if _may_be_mapping(field.annotation))
        _MAPPING_FIELDS[model] = names
    return names


def _may_be_mapping(annotation: Any) -> bool:
    """Whether a value of the type ``annotation`` may be a dict."""
    if annotation is Any or annotation is None or isinstance(annotation, (str, TypeVar)):
        return annotation is not None
    origin = get_origin(annotation)
    if origin is Literal:
        return False
    if origin is Annotated:
        return _may_be_mapping(get_args(annotation)[0])
    if origin is not None:
        if isinstance(origin, type) and issubclass(origin, (dict, Mapping)):
            return True
        return any(_may_be_mapping(a) for a in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, (dict, Mapping))
