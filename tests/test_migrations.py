"""Data migrations, run on real rows between their neighbouring states."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

APP = "assessments"


def _migrate(target: str):
    executor = MigrationExecutor(connection)
    executor.migrate([(APP, target)])
    executor.loader.build_graph()
    return executor.loader.project_state([(APP, target)]).apps


@pytest.fixture
def back_to_latest():
    """Leave the database at the newest migrations for the tests after."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_lineage_migration_gives_each_client_one_lineage_and_copies_theirs():
    apps = _migrate("0012_assessment_copied_from")
    Organization = apps.get_model(APP, "Organization")
    Assessment = apps.get_model(APP, "Assessment")

    def assessment(copied_from=None):
        organization = Organization.objects.create(
            name="Acme", industry="retail", employees=40, stage="small_startup"
        )
        return Assessment.objects.create(
            organization=organization, copied_from=copied_from
        )

    first = assessment()
    copy = assessment(copied_from=first)
    copy_of_copy = assessment(copied_from=copy)
    other = assessment()

    apps = _migrate("0013_assessment_lineage")
    Assessment = apps.get_model(APP, "Assessment")
    lineage = dict(Assessment.objects.values_list("id", "lineage"))
    assert lineage[first.id] == lineage[copy.id] == lineage[copy_of_copy.id]
    assert lineage[other.id] != lineage[first.id]
    assert None not in lineage.values()
