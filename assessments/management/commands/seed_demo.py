"""python manage.py seed_demo --assessments N

Creates demo organisations and assessments across every stage, focus and status
so a newcomer sees a populated admin. Idempotent: running it again with the same
N creates nothing; a larger N adds only the difference.

Stage, focus and status follow fixed cycles (see ``demo_profile``), so any
N >= 4 already covers every stage, focus and status. The rows are bulk-created:
they have no history rows (the history is for consultants' changes).
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assessments import questions
from assessments.admin import CONSULTANTS_GROUP
from assessments.advice import (
    AI_FOCUSES,
    CURRENT_STRUCTURES,
    PAIN_POINTS,
    STAGES,
    STRUCTURES,
    advise,
    parse_answers,
)
from assessments.answers_file import build_from_answers
from assessments.choices import Status
from assessments.flow import SECTIONS
from assessments.models import ROLE_KEYS, Assessment, Organization
from assessments.services import advice_columns

BATCH = 1000
NAME_PARTS = (
    (
        "Northwind",
        "Blue Harbor",
        "Lumen",
        "Quanta",
        "Helvetia",
        "Cobalt",
        "Juniper",
        "Redwood",
        "Silverline",
        "Atlas",
        "Meridian",
        "Polar",
        "Orchid",
        "Granite",
    ),
    (
        "Analytics",
        "Mobility",
        "Retail",
        "Insurance",
        "Health",
        "Logistics",
        "Energy",
        "Foods",
        "Bank",
        "Media",
        "Robotics",
        "Travel",
        "Telecom",
        "Games",
    ),
)
# Demo industries whose ML work is regulated (advice-spec §9).
REGULATED = {"Insurance", "Health", "Bank"}
# How often each stage already has someone leading its ML work: yes, no, not sure.
ML_LEAD_WEIGHTS = {
    "small_startup": (2, 7, 1),
    "large_startup": (5, 4, 1),
    "enterprise": (7, 2, 1),
}
EMPLOYEES = {
    "small_startup": (5, 150),
    "large_startup": (60, 1500),
    "enterprise": (600, 60000),
}
# Every status within the first four, then roughly 1 draft, 3 submitted,
# 2 in review and 2 reviewed in every 8.
STATUS_CYCLE = (
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.REVIEWED,
    Status.DRAFT,
    Status.SUBMITTED,
    Status.IN_REVIEW,
    Status.REVIEWED,
    Status.SUBMITTED,
)
CONSULTANTS = ("demo-consultant-ana", "demo-consultant-ben", "demo-consultant-chloe")


def demo_profile(index: int) -> tuple[str, str, str]:
    """Stage, AI focus and status of the demo assessment number ``index``.

    The first three cover every stage and every focus, every nine every
    (stage, focus) pair, the first four every status; 72 cover every triple.
    """
    stage = STAGES[index % len(STAGES)][0]
    focus = AI_FOCUSES[(index + index // len(STAGES)) % len(AI_FOCUSES)][0]
    return stage, focus, STATUS_CYCLE[index % len(STATUS_CYCLE)]


def _answers(rng: random.Random, index: int) -> dict:
    stage, focus, _status = demo_profile(index)
    low, high = EMPLOYEES[stage]
    employees = rng.randint(low, high)
    ml_staff = max(1, min(employees // 4, rng.randint(1, 12 + employees // 50)))
    headcount = {role: rng.randint(0, ml_staff) for role in ROLE_KEYS}
    while sum(headcount.values()) > employees:
        role = rng.choice([r for r in ROLE_KEYS if headcount[r]])
        headcount[role] -= 1
    first, second = (rng.choice(part) for part in NAME_PARTS)
    answers = {
        "organization": {
            "name": f"{first} {second} {index + 1}",
            "industry": second.lower(),
            "employees": employees,
            "stage": stage,
            "regulated": second in REGULATED,
        },
        "ai_focus": focus,
        "ml_use_cases": rng.randint(0, 30),
        "product_teams": rng.randint(1, 12),
        "dedicated_ml_budget": rng.random() < 0.5,
        "current_structure": rng.choice(CURRENT_STRUCTURES)[0],
        "headcount": headcount,
        "full_stack_data_scientists": rng.randint(0, headcount["data_scientist"]),
        "pain_points": sorted(
            rng.sample([key for key, _ in PAIN_POINTS], rng.randint(0, 3))
        ),
    }
    # Drawn last, so the answers drawn before keep their values.
    (answers["has_ml_lead"],) = rng.choices(
        (True, False, None), weights=ML_LEAD_WEIGHTS[stage]
    )
    # A question added since gets an answer of its kind, after all the above.
    for question in questions.answers_file_questions():
        try:
            questions.value_at(answers, question.path)
        except KeyError:
            questions.set_at(answers, question.path, _any_answer(rng, question))
    return answers


def _any_answer(rng: random.Random, question: questions.Question) -> object:
    """A plausible answer to ``question`` from its kind alone."""
    if question.options:
        return rng.choice(question.options)[2]
    if question.kind == "choice":
        return rng.choice(question.choices)[0]
    if question.kind == "choices":
        keys = [key for key, _ in question.choices]
        return [key for key in keys if rng.random() < 0.25]
    if question.kind == "count":
        return rng.randint(0, 10)
    return ""


class Command(BaseCommand):
    help = "Create demo assessments (idempotent) for a populated admin."

    def add_arguments(self, parser):
        parser.add_argument("--assessments", type=int, default=200, metavar="N")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, assessments: int, seed: int, **options):
        if not 0 <= assessments <= 1_000_000:
            raise CommandError("--assessments must be between 0 and 1000000")
        existing = Assessment.objects.filter(organization__is_demo=True).count()
        if existing >= assessments:
            self.stdout.write(f"{existing} demo assessments exist; nothing to do.")
            return
        consultants = self._consultants()
        now = timezone.now()
        for start in range(existing, assessments, BATCH):
            stop = min(start + BATCH, assessments)
            with transaction.atomic():
                self._create(range(start, stop), seed, consultants, now)
        self.stdout.write(f"Created {assessments - existing} demo assessments.")

    def _consultants(self) -> list:
        group = Group.objects.get(name=CONSULTANTS_GROUP)
        users = []
        for username in CONSULTANTS:
            user, created = get_user_model().objects.get_or_create(
                username=username, defaults={"is_staff": True}
            )
            if created:
                user.set_unusable_password()  # demo names only; nobody logs in
                user.save()
                user.groups.add(group)
            users.append(user)
        return users

    def _create(self, indexes: range, seed: int, consultants: list, now) -> None:
        organizations, rows = [], []
        for index in indexes:
            # One generator per index: the same N always gives the same data.
            rng = random.Random(seed * 1_000_003 + index)  # noqa: S311 (demo data)
            answers = parse_answers(_answers(rng, index))
            organization, assessment = build_from_answers(answers)
            organization.is_demo = True
            organization.contact_name = f"Demo contact {index + 1}"
            organization.contact_email = f"contact{index + 1}@example.com"
            status = demo_profile(index)[2]
            assessment.status = status
            assessment.sections_saved = len(SECTIONS)
            if status != Status.DRAFT:
                columns = advice_columns(advise(answers))
                for field, value in columns.items():
                    setattr(assessment, field, value)
                assessment.submitted_at = now - timedelta(
                    minutes=rng.randint(0, 720_000)
                )
            if status in (Status.IN_REVIEW, Status.REVIEWED):
                assessment.assigned_to = rng.choice(consultants)
                assessment.internal_notes = "Demo: first call done."
            if status == Status.REVIEWED and rng.random() < 0.2:
                others = [
                    k for k, _ in STRUCTURES if k != assessment.recommended_structure
                ]
                assessment.override_structure = rng.choice(others)
                assessment.override_reason = "Demo: the client plans a reorganisation."
                assessment.client_comment = "Let us talk through the hiring order."
                # The facts above are of TeamAdvisor's plan: exports work out
                # the consultant's when they find none.
                assessment.plan_facts = {}
            organizations.append(organization)
            rows.append(assessment)
        Organization.objects.bulk_create(organizations)
        for organization, assessment in zip(organizations, rows, strict=True):
            assessment.organization = organization
        Assessment.objects.bulk_create(rows)
