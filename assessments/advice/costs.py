"""The cost table (spec section 7): yearly cost per role and seniority.

The figures come from whoever runs TeamAdvisor, never from the rulebook.
``parse_costs`` is the only way untrusted data becomes a table the engine uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .answers import FieldError
from .domain import ROLES, keys

SENIORITIES = ("senior", "mid")
# Large enough for any salary in any currency, small enough to stay an int.
MAX_COST = 10**12
_CURRENCY = re.compile(r"[A-Z]{3}")


class CostsInvalid(ValueError):
    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        lines = "\n".join(f"- {error}" for error in errors)
        super().__init__(f"The cost table is invalid:\n{lines}")


def parse_costs(data: object) -> dict[str, object]:
    """A valid cost table, or ``CostsInvalid`` naming every bad field."""
    errors: list[FieldError] = []
    if not isinstance(data, Mapping):
        raise CostsInvalid([FieldError("", "must be an object")])
    for key in data:
        if key not in ("currency", "yearly_cost"):
            errors.append(FieldError(str(key), "is not a known field"))
    currency = data.get("currency")
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        errors.append(
            FieldError("currency", "must be a three-letter currency code, e.g. EUR")
        )
    table = data.get("yearly_cost")
    if not isinstance(table, Mapping):
        errors.append(FieldError("yearly_cost", "must be an object of the six roles"))
        raise CostsInvalid(errors)
    for role in table:
        if role not in keys(ROLES):
            errors.append(FieldError(f"yearly_cost.{role}", "is not a known role"))
    for role in keys(ROLES):
        path = f"yearly_cost.{role}"
        costs = table.get(role)
        if not isinstance(costs, Mapping):
            errors.append(FieldError(path, "must be an object with senior and mid"))
            continue
        for key in costs:
            if key not in SENIORITIES:
                errors.append(FieldError(f"{path}.{key}", "is not senior or mid"))
        for seniority in SENIORITIES:
            value = costs.get(seniority)
            if isinstance(value, bool) or not isinstance(value, int):
                errors.append(
                    FieldError(f"{path}.{seniority}", "must be a whole number")
                )
            elif not 0 <= value <= MAX_COST:
                errors.append(
                    FieldError(
                        f"{path}.{seniority}", f"must be between 0 and {MAX_COST:,}"
                    )
                )
    if errors:
        raise CostsInvalid(errors)
    return {
        "currency": currency,
        "yearly_cost": {
            role: {s: table[role][s] for s in SENIORITIES} for role in keys(ROLES)
        },
    }
