"""python manage.py teamplan ANSWERS.json [--format json|text] [--pdf OUT.pdf]"""

import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.loader import render_to_string

from assessments.advice import AnswersInvalid, parse_answers
from assessments.pdf import render_report_pdf
from assessments.report import build_report

# Terminal control characters in a client's text must not reach the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


class Command(BaseCommand):
    help = (
        "Print the team plan for an answers file (advice-spec §6) as JSON (§7) or "
        "text, and optionally write it as a PDF. Use - to read standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("answers", help="answers file path, or - for stdin")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--pdf", metavar="OUT.pdf", help="also write a PDF here")

    def handle(self, *args, answers: str, format: str, pdf: str | None, **options):
        report = build_report(self._read_answers(answers))
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
            raw = sys.stdin.read() if source == "-" else Path(source).read_text()
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {source}: {error}") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{source} is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}"
            ) from None
        try:
            return parse_answers(data)
        except AnswersInvalid as invalid:
            raise CommandError(f"{source} has invalid answers:\n{invalid}") from None
