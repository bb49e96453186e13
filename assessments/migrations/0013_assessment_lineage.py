import uuid

from django.db import migrations, models


def give_each_client_a_lineage(apps, schema_editor):
    """A fresh lineage per first assessment; a copy takes its source's. A copy
    is always made after its source, so in id order the source comes first."""
    Assessment = apps.get_model("assessments", "Assessment")
    lineage_of: dict[int, uuid.UUID] = {}
    batch = []
    rows = Assessment.objects.order_by("id").only("id", "copied_from_id")
    for assessment in rows.iterator(chunk_size=2000):
        source = assessment.copied_from_id
        assessment.lineage = lineage_of.get(source) if source else None
        assessment.lineage = assessment.lineage or uuid.uuid4()
        lineage_of[assessment.id] = assessment.lineage
        batch.append(assessment)
        if len(batch) == 2000:
            Assessment.objects.bulk_update(batch, ["lineage"])
            batch = []
    Assessment.objects.bulk_update(batch, ["lineage"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0012_assessment_copied_from"),
    ]

    operations = [
        # Nullable first: a callable default would give every existing row the
        # same value.
        migrations.AddField(
            model_name="assessment",
            name="lineage",
            field=models.UUIDField(null=True, editable=False),
        ),
        migrations.RunPython(give_each_client_a_lineage, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="assessment",
            name="lineage",
            field=models.UUIDField(db_index=True, default=uuid.uuid4, editable=False),
        ),
    ]
