import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, OrderBy, Q, TextField, Value
from django.db.models.functions import Cast, Coalesce, NullIf
from django.urls import reverse
from simple_history.models import HistoricalRecords

from assessments import questions
from assessments.advice.domain import (
    INDUSTRY_MAX_LENGTH,
    MAX_COUNT,
    NAME_MAX_LENGTH,
    ROLES,
)
from assessments.choices import (
    AiFocus,
    CurrentStructure,
    ExportKind,
    ExportStatus,
    Role,
    Stage,
    Status,
    Structure,
)

ROLE_KEYS = tuple(key for key, _label in ROLES)

REVIEW_TEXT_MAX_LENGTH = 5000
_count_validators = [MaxValueValidator(MAX_COUNT)]


def effective_structure() -> Coalesce:
    """The structure the client is told: the consultant's override, else ours.

    The admin's structure filter and column use this exact expression, so the
    expression index on it below serves them.
    """
    return Coalesce(NullIf(F("override_structure"), Value("")), "recommended_structure")


def with_pain_text(assessments: models.QuerySet) -> models.QuerySet:
    """``assessments`` with their pain points as JSON text, for
    ``reports_pain_point``."""
    return assessments.alias(pain_text=Cast("pain_points", output_field=TextField()))


def reports_pain_point(key: str) -> Q:
    """The assessment reports pain point ``key``, on SQLite as on PostgreSQL.

    JSONField's ``contains`` is PostgreSQL's ``@>`` and SQLite has no
    equivalent, so the key is looked for in the list's JSON text (see
    ``with_pain_text``: jsonb's text form on PostgreSQL, the stored text on
    SQLite), a plain LIKE. It is looked for with its quotes, ``"silos"``: the
    list holds only keys from the choices, which contain no quotes, so a
    quoted key matches exactly one element and never part of another.
    """
    return Q(pain_text__contains=f'"{key}"')


class SortedIndex(models.Index):
    """An index that may say NULLS LAST, also on SQLite.

    SQLite refuses NULLS FIRST/LAST in an index, but its NULLs are the smallest
    values: they come last in a descending order and first in an ascending one
    anyway. There the modifier is dropped; PostgreSQL gets it as written.
    """

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if schema_editor.connection.vendor != "sqlite":
            return super().create_sql(model, schema_editor, using, **kwargs)
        plain = models.Index(
            *(_natural_nulls(expression) for expression in self.expressions),
            name=self.name,
        )
        return plain.create_sql(model, schema_editor, using, **kwargs)


def _natural_nulls(expression):
    if isinstance(expression, OrderBy) and (
        expression.nulls_first or expression.nulls_last
    ):
        natural = (
            expression.nulls_last if expression.descending else expression.nulls_first
        )
        if not natural:
            raise ValueError(f"SQLite cannot index {expression} in that order")
        return OrderBy(expression.expression, descending=expression.descending)
    return expression


def new_token() -> str:
    """A private link token: 256 random bits, URL-safe, 43 characters."""
    return secrets.token_urlsafe(32)


def _count_field(verbose_name: str, **kwargs) -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name, validators=_count_validators, **kwargs
    )


def _in_choices(field: str, choices: type[models.TextChoices], *, blank: bool) -> Q:
    condition = Q(**{f"{field}__in": choices.values})
    return condition | Q(**{field: ""}) if blank else condition


class Organization(models.Model):
    """The client's organisation as the answers file describes it (§6)."""

    name = models.CharField(max_length=NAME_MAX_LENGTH)
    industry = models.CharField(max_length=INDUSTRY_MAX_LENGTH, blank=True)
    employees = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_COUNT)]
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, db_index=True)
    regulated = models.BooleanField("regulated sector", default=False)
    # Not part of the answers file: how a consultant reaches the client.
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    # Made by ``seed_demo``; lets the command stay idempotent.
    is_demo = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(employees__gte=1, employees__lte=MAX_COUNT),
                name="organization_employees_range",
            ),
            models.CheckConstraint(
                condition=_in_choices("stage", Stage, blank=False),
                name="organization_stage_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Assessment(models.Model):
    """One questionnaire run: the answers of §6 minus the organisation.

    Answer fields are empty while the assessment is a draft; submitting checks
    them all with the same rules as the answers file.
    """

    token = models.CharField(
        max_length=64, unique=True, default=new_token, editable=False
    )
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # How many questionnaire sections, in order, have been saved at least once.
    sections_saved = models.PositiveSmallIntegerField(default=0)

    ai_focus = models.CharField(max_length=20, choices=AiFocus.choices, blank=True)
    ml_use_cases = _count_field("ML use cases", null=True, blank=True)
    product_teams = _count_field("product teams", null=True, blank=True)
    dedicated_ml_budget = models.BooleanField("dedicated ML budget", default=False)
    current_structure = models.CharField(
        max_length=20, choices=CurrentStructure.choices, default=CurrentStructure.NONE
    )
    # None: not answered ("Not sure", or saved before the question was asked).
    has_ml_lead = models.BooleanField("has an ML lead", null=True, blank=True)

    data_analyst = _count_field("data analysts", null=True, blank=True)
    data_engineer = _count_field("data engineers", null=True, blank=True)
    data_scientist = _count_field("data scientists", null=True, blank=True)
    research_scientist = _count_field(
        "research / applied scientists", null=True, blank=True
    )
    mlops_engineer = _count_field("MLOps engineers", null=True, blank=True)
    software_developer = _count_field("software developers", null=True, blank=True)
    full_stack_data_scientists = _count_field("full-stack data scientists", default=0)
    pain_points = models.JSONField(default=list, blank=True)

    # Keyed hash of the address that started it, to rate-limit new assessments
    # without keeping the address itself.
    created_from = models.CharField(max_length=64, blank=True, editable=False)
    # One organisation's assessments over time: a new start begins a lineage,
    # a copy continues its source's. Each copy has its own Organization row
    # (a submitted plan keeps the answers it was advised on), so this, not the
    # row, says which assessments belong to one client: their history, and
    # counting each client once among "organisations like yours".
    lineage = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    # The submitted assessment this draft was copied from, so the copy can say
    # so and its report can be compared with the earlier one.
    copied_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="copies",
        editable=False,
    )

    # Filled on submit. The advice can always be recomputed from the answers and
    # the rulebook version; the structure is kept as a column to filter on.
    rulebook_version = models.CharField(max_length=20, blank=True)
    recommended_structure = models.CharField(
        max_length=20, choices=Structure.choices, blank=True
    )
    # The role with the largest hiring gap, kept for the consultants' list.
    largest_gap_role = models.CharField(max_length=30, choices=Role.choices, blank=True)
    largest_gap = models.PositiveIntegerField(null=True, blank=True)
    # What exports read of the plan the client is told (see plan_facts.py);
    # empty until advised, or for rows advised before it was kept.
    plan_facts = models.JSONField(default=dict, blank=True, editable=False)

    # The consultant's review. Internal notes never reach the client.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_assessments",
        verbose_name="consultant",
    )
    override_structure = models.CharField(
        "consultant's structure", max_length=20, choices=Structure.choices, blank=True
    )
    override_reason = models.TextField(
        "reason for the override", max_length=REVIEW_TEXT_MAX_LENGTH, blank=True
    )
    client_comment = models.TextField(
        "comment for the client", max_length=REVIEW_TEXT_MAX_LENGTH, blank=True
    )
    internal_notes = models.TextField(max_length=REVIEW_TEXT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the review was last marked done; the client's plan says so.
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords(
        # Only the review is worth a history; answers are locked once submitted.
        excluded_fields=[
            "token",
            "sections_saved",
            *questions.answer_fields("assessment"),
            "largest_gap_role",
            "largest_gap",
            "plan_facts",
            "created_from",
            "copied_from",  # set once, when the copy is made
            "lineage",
            "updated_at",
        ]
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # The admin list's default order: newest submission first, drafts
            # (no submission date) last. PostgreSQL puts NULLs first in a
            # descending order unless told otherwise, so the index says it too.
            SortedIndex(
                F("submitted_at").desc(nulls_last=True),
                F("id").desc(),
                name="assessment_submitted_idx",
            ),
            SortedIndex(
                F("status"),
                F("submitted_at").desc(nulls_last=True),
                F("id").desc(),
                name="assessment_status_idx",
            ),
            models.Index(fields=["ai_focus"], name="assessment_focus_idx"),
            models.Index(
                fields=["created_from", "created_at"],
                name="assessment_created_from_idx",
            ),
            models.Index(effective_structure(), name="assessment_eff_structure_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", Status, blank=False),
                name="assessment_status_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("ai_focus", AiFocus, blank=True),
                name="assessment_ai_focus_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices(
                    "current_structure", CurrentStructure, blank=False
                ),
                name="assessment_current_structure_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("recommended_structure", Structure, blank=True),
                name="assessment_recommended_structure_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("override_structure", Structure, blank=True),
                name="assessment_override_structure_valid",
            ),
            models.CheckConstraint(
                condition=Q(override_structure="") | ~Q(override_reason=""),
                name="assessment_override_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.DRAFT)
                | Q(submitted_at__isnull=False, rulebook_version__gt=""),
                name="assessment_submitted_has_date_and_rulebook",
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{field}__lte": MAX_COUNT})
                    | Q(**{f"{field}__isnull": True}),
                    name=f"assessment_{field}_max",
                )
                for field in questions.answer_fields("assessment", kind="count")
            ),
        ]

    def __str__(self) -> str:
        name = self.organization.name if self.organization_id else "New organisation"
        return f"{name} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("assessments:resume", args=[self.token])

    def clean(self) -> None:
        errors = {}
        if self.override_structure:
            if not self.override_reason.strip():
                errors["override_reason"] = (
                    "Write why you recommend another structure; the client sees it."
                )
            if self.override_structure == self.recommended_structure:
                errors["override_structure"] = (
                    "This is already TeamAdvisor's recommendation: leave it empty "
                    "or choose another structure."
                )
        elif self.override_reason.strip():
            errors["override_reason"] = (
                "A reason goes with an override: choose the structure you "
                "recommend, or clear the reason."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    def headcount(self) -> dict[str, int | None]:
        return {role: getattr(self, role) for role in ROLE_KEYS}


class CostAssumptions(models.Model):
    """The consultancy's yearly cost per role and seniority (advice-spec §7).

    ``table`` is exactly what ``parse_costs`` returns and what ``teamplan
    --costs`` reads, so the admin and the file share one shape and one
    validator. Reports use the one active set; with none active, no money
    appears anywhere. Writes go through ``services.cost_assumptions_save``.
    """

    currency = models.CharField(max_length=3, help_text="Three letters, e.g. EUR.")
    # {role: {"senior": int, "mid": int}} for every role, as parse_costs gives it.
    yearly_cost = models.JSONField()
    active = models.BooleanField(
        default=False, help_text="Reports use the active set; at most one is active."
    )
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cost assumptions"
        verbose_name_plural = "cost assumptions"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"],
                condition=Q(active=True),
                name="cost_assumptions_one_active",
            ),
        ]

    def __str__(self) -> str:
        made = f" of {self.created_at:%Y-%m-%d}" if self.created_at else ""
        return f"{self.currency} cost assumptions{made}"

    @property
    def table(self) -> dict[str, object]:
        """The cost table in the shape of a ``teamplan --costs`` file."""
        return {"currency": self.currency, "yearly_cost": self.yearly_cost}

    def validate_constraints(self, exclude=None) -> None:
        # Saving a set as active deactivates the previous one first (see
        # services.cost_assumptions_save); the database constraint stays the
        # guard, so forms must not refuse an active set because another is.
        super().validate_constraints(exclude={*(exclude or ()), "active"})


class LinkMailRequest(models.Model):
    """One "send me my private link" request, kept for an hour to rate-limit
    them per assessment and per client address. The address the link was
    sent to is not kept here: only the mail task gets it.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    # Keyed hash of the client address, as Assessment.created_from.
    requested_from = models.CharField(max_length=64)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["assessment", "requested_at"], name="link_mail_assessment_idx"
            ),
            models.Index(
                fields=["requested_from", "requested_at"], name="link_mail_address_idx"
            ),
            models.Index(fields=["requested_at"], name="link_mail_requested_at_idx"),
        ]

    def __str__(self) -> str:
        return f"Link mail for assessment {self.assessment_id} at {self.requested_at}"


class ExportJob(models.Model):
    """A bulk export of team-plan PDFs or answers files into one ZIP, built by
    a background task (``tasks.build_export``). Only its author sees it or
    downloads it.
    """

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(
        max_length=10, choices=ExportKind.choices, default=ExportKind.PDFS
    )
    # The submitted assessments selected, read when the task runs.
    assessment_ids = models.JSONField(default=list, editable=False)
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    skipped_drafts = models.PositiveIntegerField(default=0)
    # In default storage under a random folder; served only by the admin's
    # download view, to the author.
    zip_file = models.FileField(max_length=255, blank=True, editable=False)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set by each progress update: a running job that stays still has stalled.
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "export"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["author", "created_at"], name="export_job_author_idx"),
            models.Index(fields=["created_at"], name="export_job_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=_in_choices("status", ExportStatus, blank=False),
                name="export_job_status_valid",
            ),
            models.CheckConstraint(
                condition=_in_choices("kind", ExportKind, blank=False),
                name="export_job_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}, export {self.pk} of "
            f"{self.created_at:%Y-%m-%d %H:%M}"
        )


class SectionDraft(models.Model):
    """What a client typed on a questionnaire step that did not pass its
    checks, kept as typed so that leaving the step loses nothing.

    The step's own columns keep what was last saved; the step shows this
    instead until it is saved, and the review waits for it.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="section_drafts"
    )
    section = models.CharField(max_length=20)
    # Each field's name -> the list of strings the browser sent for it.
    data = models.JSONField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "section"], name="one_draft_per_section"
            )
        ]

    def __str__(self) -> str:
        return f"Unsaved {self.section} step of assessment {self.assessment_id}"
