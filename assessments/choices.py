"""Django choices built from the advice engine's vocabulary.

The engine (``assessments.advice.domain``) owns the keys and labels so that the
web form, the command line and the rulebook can never disagree on them.
"""

from django.db import models

from assessments.advice import domain


def _text_choices(name: str, pairs: tuple[tuple[str, str], ...]) -> type:
    return models.TextChoices(
        name, [(key.upper(), (key, label)) for key, label in pairs]
    )


Stage = _text_choices("Stage", domain.STAGES)
AiFocus = _text_choices("AiFocus", domain.AI_FOCUSES)
CurrentStructure = _text_choices("CurrentStructure", domain.CURRENT_STRUCTURES)
Structure = _text_choices("Structure", domain.STRUCTURES)
Role = _text_choices("Role", domain.ROLES)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    IN_REVIEW = "in_review", "In review"
    REVIEWED = "reviewed", "Reviewed"


class ExportKind(models.TextChoices):
    """What a bulk export's ZIP holds (see ``exports.ZIP_KINDS``)."""

    PDFS = "pdfs", "Team-plan PDFs"
    ANSWERS = "answers", "Answers files (JSON)"


class ExportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting for a worker"
    RUNNING = "running", "Running"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"
