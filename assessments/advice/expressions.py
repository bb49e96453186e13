"""A tiny, safe expression language for rulebook formulas and conditions.

Rulebooks are data, so their arithmetic and tests are written as JSON and
interpreted here instead of with ``eval``. The whole vocabulary:

- an integer or ``true``/``false`` is itself;
- a string is the value of that fact, e.g. ``"use_cases"`` or
  ``"headcount.data_scientist"`` (see ``facts.py``);
- ``{"ceil_div": [a, b]}``, ``{"max": [a, ...]}``, ``{"mul": [a, b]}``;
- ``{"eq"|"gt"|"ge"|"lt": [a, b]}`` compare two numbers;
- ``{"in": [a, ["x", "y"]]}`` is true when fact ``a`` is one of the listed keys;
- ``{"pain": "silos"}`` is true when that pain point was reported;
- ``{"not": a}``, ``{"all": [a, ...]}``, ``{"any": [a, ...]}``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping

Expr = object

_COMPARE: dict[str, Callable[[int, int], bool]] = {
    "eq": operator.eq,
    "gt": operator.gt,
    "ge": operator.ge,
    "lt": operator.lt,
}


class ExpressionError(ValueError):
    """A rulebook expression uses an unknown operator or fact."""


def _op(expr: Mapping) -> tuple[str, object]:
    if len(expr) != 1:
        raise ExpressionError(f"an expression has exactly one operator: {expr!r}")
    return next(iter(expr.items()))


def evaluate(expr: Expr, env: Mapping[str, object]) -> object:
    """The value of ``expr`` given the facts in ``env``."""
    if isinstance(expr, bool | int):
        return expr
    if isinstance(expr, str):
        if expr not in env:
            raise ExpressionError(f"unknown fact {expr!r}")
        return env[expr]
    if not isinstance(expr, Mapping):
        raise ExpressionError(f"not an expression: {expr!r}")
    name, arg = _op(expr)
    if name == "pain":
        return arg in env["pain_points"]
    if name == "in":
        value, options = arg
        return evaluate(value, env) in options
    if name == "not":
        return not evaluate(arg, env)
    values = [evaluate(item, env) for item in arg]
    if name == "ceil_div":
        top, bottom = values
        return -(-top // bottom)
    if name == "max":
        return max(values)
    if name == "mul":
        left, right = values
        return left * right
    if name in _COMPARE:
        left, right = values
        return _COMPARE[name](left, right)
    if name == "all":
        return all(values)
    if name == "any":
        return any(values)
    raise ExpressionError(f"unknown operator {name!r}")


def names(expr: Expr) -> tuple[str, ...]:
    """The facts ``expr`` reads, in first-use order (used to report ``reads``)."""
    found: list[str] = []

    def walk(node: Expr) -> None:
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, Mapping):
            name, arg = _op(node)
            if name == "pain":
                found.append("pain_points")
            elif name == "in":
                walk(arg[0])
            elif name == "not":
                walk(arg)
            else:
                for item in arg:
                    walk(item)

    walk(expr)
    return tuple(dict.fromkeys(found))
