"""Database constraints and model helpers."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from assessments.advice import ROLES
from assessments.advice.domain import CURRENT_STRUCTURES, STAGES, keys
from assessments.choices import CurrentStructure, Stage
from assessments.flow import SECTIONS
from assessments.models import (
    ROLE_KEYS,
    Assessment,
    Organization,
    _natural_nulls,
    effective_structure,
    new_token,
)

pytestmark = pytest.mark.django_db


def _organization(**fields) -> Organization:
    return Organization(
        **{"name": "Acme", "employees": 10, "stage": Stage.SMALL_STARTUP, **fields}
    )


def test_headcount_fields_follow_the_six_roles_of_the_spec():
    assert tuple(key for key, _ in ROLES) == ROLE_KEYS
    for role in ROLE_KEYS:
        Assessment._meta.get_field(role)


def test_stage_choices_come_from_the_engine_vocabulary():
    assert Stage.values == list(keys(STAGES))
    assert Stage.choices == list(STAGES)  # the labels too, in the same order
    assert Stage.values == ["small_startup", "large_startup", "enterprise"]
    assert Stage.SMALL_STARTUP.label == "Small startup"


def test_current_structure_choices_include_the_second_edition_one():
    assert CurrentStructure.choices == list(CURRENT_STRUCTURES)
    assert "centralized_product" in CurrentStructure.values


def test_a_central_ml_product_team_is_a_valid_current_structure():
    assessment = Assessment.objects.create(current_structure="centralized_product")
    assert Assessment.objects.get(pk=assessment.pk).current_structure == (
        "centralized_product"
    )


def test_second_edition_answers_default_to_not_regulated_and_not_known():
    organization = _organization_saved()
    assessment = Assessment.objects.create(organization=organization)
    assessment = Assessment.objects.select_related("organization").get(pk=assessment.pk)
    assert assessment.organization.regulated is False
    assert assessment.has_ml_lead is None  # null: not answered


@pytest.mark.parametrize("value", [True, False, None])
def test_ml_lead_stores_yes_no_and_not_known(value):
    assessment = Assessment.objects.create(has_ml_lead=value)
    assert Assessment.objects.get(pk=assessment.pk).has_ml_lead is value


def test_history_keeps_no_answers():
    """Answers are locked once submitted: only the review has a history."""
    history_fields = {f.name for f in Assessment.history.model._meta.fields}
    answer_fields = {
        name
        for section in SECTIONS
        if not section.edits_organization
        for name in section.answer_paths
    }
    assert "has_ml_lead" in answer_fields
    assert answer_fields.isdisjoint(history_fields)


def test_new_token_is_43_urlsafe_characters_and_unique():
    tokens = {new_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(len(token) == 43 for token in tokens)


@pytest.mark.parametrize(
    "fields",
    [{"employees": 0}, {"employees": 1_000_001}, {"stage": "unicorn"}],
    ids=["employees-zero", "employees-over-max", "stage-unknown"],
)
def test_organization_constraints_refuse_bad_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        _organization(**fields).save()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "archived"},
        {"ai_focus": "profit"},
        {"current_structure": "matrix"},
        {"status": "submitted"},  # no submitted_at
        {"ml_use_cases": 1_000_001},
        {"data_scientist": 1_000_001},
    ],
    ids=[
        "status",
        "ai-focus",
        "current-structure",
        "submitted-without-date",
        "use-cases-max",
        "headcount-max",
    ],
)
def test_assessment_constraints_refuse_bad_rows(fields):
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(**fields)


def test_token_is_unique_in_the_database():
    first = Assessment.objects.create()
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(token=first.token)


def test_str_names_organization_and_status():
    assessment = Assessment.objects.create(organization=_organization_saved())
    assert str(assessment) == "Acme (draft)"


def _organization_saved() -> Organization:
    organization = _organization()
    organization.save()
    return organization


def test_effective_structure_is_the_override_else_the_recommendation():
    ours = Assessment.objects.create(recommended_structure="hybrid")
    overridden = Assessment.objects.create(
        recommended_structure="hybrid",
        override_structure="centralized",
        override_reason="One data platform.",
    )
    found = dict(
        Assessment.objects.annotate(structure=effective_structure()).values_list(
            "pk", "structure"
        )
    )
    assert found == {ours.pk: "hybrid", overridden.pk: "centralized"}


def _index_definition(name: str) -> str:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [name]
            )
        else:
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [name])
        [definition] = cursor.fetchone()
    return definition.replace('"', "")


def test_list_order_index_puts_drafts_last_like_the_admin_list():
    definition = _index_definition("assessment_submitted_idx")
    if connection.vendor == "postgresql":
        assert "(submitted_at DESC NULLS LAST, id DESC)" in definition
    else:
        # SQLite refuses NULLS LAST in an index; its DESC puts NULLs last anyway.
        assert "(submitted_at DESC, id DESC)" in definition


def test_index_order_sqlite_cannot_keep_is_refused():
    assert _natural_nulls(F("x").asc(nulls_first=True)) == F("x").asc()
    with pytest.raises(ValueError, match="cannot index"):
        _natural_nulls(F("x").asc(nulls_last=True))
