"""Two team plans side by side: what changed in the answers and the advice.

Works on ``Report`` objects, not on the database, so the client's "compare
with the earlier assessment" and the consultants' comparison share it. Either
plan may be first edition: only what both editions have is compared.
"""

from dataclasses import dataclass

from assessments.report import Report


@dataclass(frozen=True)
class Row:
    label: str
    earlier: str
    later: str

    @property
    def changed(self) -> bool:
        return self.earlier != self.later


@dataclass(frozen=True)
class Group:
    title: str
    rows: tuple[Row, ...]

    @property
    def changes(self) -> int:
        return sum(row.changed for row in self.rows)


@dataclass(frozen=True)
class Comparison:
    advice: Group
    answers: tuple[Group, ...]  # one per questionnaire section

    @property
    def groups(self) -> tuple[Group, ...]:
        return (self.advice, *self.answers)

    @property
    def answers_changed(self) -> int:
        return sum(group.changes for group in self.answers)

    @property
    def structure_changed(self) -> bool:
        return self.advice.rows[0].changed


NONE = "none"


def _after_plan(report: Report, role) -> int:
    # The first edition gave a target; the second never plans below today.
    return role.recommended if report.first_edition else role.current + role.gap


def _hires(report: Report) -> str:
    if report.first_edition:
        labels = [role.label for role in report.hiring_order]
    else:
        labels = [hire.people for hire in report.first_hires]
    return "; ".join(labels) or NONE


def _risks(report: Report) -> str:
    risks = sorted(report.advice.risks, key=lambda risk: risk.label)
    return "; ".join(f"{risk.label} ({risk.level})" for risk in risks) or NONE


def _needed(report: Report, role) -> str:
    needed = role.recommended if report.first_edition else role.needed
    return f"{needed} (gap {role.gap})"


def _advice_values(report: Report, *, for_consultants: bool) -> dict[str, str]:
    advice = report.advice
    values = {"Recommended structure": advice.structure.label}
    if for_consultants:
        # The engine's own choice, which an override hides from the client.
        structure = advice.structure
        values["TeamAdvisor's structure"] = (
            structure.label if report.first_edition else structure.recommended_label
        )
    for role in advice.roles:
        values[f"{role.label}: today → after the plan"] = (
            f"{role.current} → {_after_plan(report, role)}"
        )
        if for_consultants:
            values[f"{role.label}: needed (gap)"] = _needed(report, role)
    values["First hires"] = _hires(report)
    values["Risks"] = _risks(report)
    return values


def _rows(earlier: dict[str, str], later: dict[str, str]) -> tuple[Row, ...]:
    # Later's order; a label only one side has (a question added in a later
    # edition) shows as "—" on the other.
    labels = list(later) + [label for label in earlier if label not in later]
    return tuple(
        Row(label, earlier.get(label, "—"), later.get(label, "—")) for label in labels
    )


def compare(
    earlier: Report, later: Report, *, for_consultants: bool = False
) -> Comparison:
    """``for_consultants`` adds what the client's plan does not say in these
    words: TeamAdvisor's own structure under an override, and each role's
    need and gap."""
    advice = Group(
        "The advice",
        _rows(
            _advice_values(earlier, for_consultants=for_consultants),
            _advice_values(later, for_consultants=for_consultants),
        ),
    )
    earlier_sections = {
        section.key: dict(rows) for section, rows in earlier.answer_rows
    }
    answers = tuple(
        Group(section.title, _rows(earlier_sections.get(section.key, {}), dict(rows)))
        for section, rows in later.answer_rows
    )
    return Comparison(advice=advice, answers=answers)
