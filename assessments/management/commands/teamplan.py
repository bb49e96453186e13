"""python manage.py teamplan ANSWERS.json [--override STRUCTURE --reason TEXT]
[--costs COSTS.json] [--format json|text] [--pdf OUT.pdf]"""

import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from assessments.advice import (
    STRUCTURES,
    AnswersInvalid,
    CostsInvalid,
    parse_answers,
    parse_costs,
)
from assessments.advice.domain import keys
from assessments.pdf import render_report_pdf
from assessments.report import ConsultantView, build_report

# Terminal control characters in a client's text must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Command(BaseCommand):
    help = (
        "Print the team plan for an answers file (advice-spec §6) as JSON (§7) or "
        "text, and optionally write it as a PDF. Use - to read standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answers", help="answers file path, or - for stdin")
        parser.add_argument(
            "--override",
            choices=keys(STRUCTURES),
            metavar="STRUCTURE",
            help="a consultant's structure: " + ", ".join(keys(STRUCTURES)),
        )
        parser.add_argument("--reason", help="why the consultant overrides")
        parser.add_argument(
            "--costs", metavar="COSTS.json", help="yearly cost per role and seniority"
        )
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--pdf", metavar="OUT.pdf", help="also write a PDF here")

    def handle(
        self,
        *args,
        answers: str,
        override: str | None,
        reason: str | None,
        costs: str | None,
        format: str,
        pdf: str | None,
        **options,
    ):
        reason = (reason or "").strip()
        if override and not reason:
            raise CommandError("--override needs --reason: the client reads why")
        if reason and not override:
            raise CommandError("--reason goes with --override STRUCTURE")
        consultant = None
        if override:
            consultant = ConsultantView(override, "", reason, "")
        report = build_report(
            self._read_answers(answers),
            consultant=consultant,
            costs=self._read_costs(costs) if costs else None,
        )
        ours = report.advice.structure.recommended_by_teamadvisor
        if override == ours:
            raise CommandError(
                f"--override {override} is TeamAdvisor's own choice already: "
                "leave it out, or choose another structure"
            )
        # Render everything before writing anything: an error leaves no output.
        pdf_bytes = render_report_pdf(report) if pdf else None
        if format == "json":
            output = json.dumps(report.advice.to_dict(), indent=2, ensure_ascii=False)
        else:
            text = render_to_string("assessments/report.txt", {"report": report})
            output = _CONTROL.sub("", text).strip()
        if pdf_bytes is not None:
            try:
                Path(pdf).write_bytes(pdf_bytes)
            except OSError as error:
                raise CommandError(f"cannot write {pdf}: {error.strerror}") from None
        self.stdout.write(output)

    def _read_answers(self, source: str):
        try:
            return parse_answers(_read_json(source))
        except AnswersInvalid as invalid:
            raise CommandError(f"{source} has invalid answers:\n{invalid}") from None

    def _read_costs(self, source: str) -> dict:
        try:
            return parse_costs(_read_json(source))
        except CostsInvalid as invalid:
            raise CommandError(f"{source}: {invalid}") from None


def _read_json(source: str) -> object:
    try:
        raw = sys.stdin.read() if source == "-" else Path(source).read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"cannot read {source}: {error}") from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{source} is not valid JSON: {error.msg} at line {error.lineno}, "
            f"column {error.colno}"
        ) from None
