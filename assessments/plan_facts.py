"""The few facts of a plan that lists and exports read, kept on the
assessment when it is advised (``Assessment.plan_facts``).

The engine takes about 3 ms a plan: an export of 100,000 rows that ran it for
each row would take five minutes. Both editions' advice have these fields.
"""

from typing import Any


def plan_facts(advice: Any) -> dict[str, object]:
    """The plan as the client is told it (the consultant's structure, if any):
    the alternative structure, each role's gap and the high risks."""
    return {
        "alternative": advice.structure.alternative,
        "gaps": {role.key: role.gap for role in advice.roles},
        "high_risks": [
            [risk.key, risk.label] for risk in advice.risks if risk.level == "high"
        ],
    }
