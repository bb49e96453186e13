"""The "Consultants" group with exactly the permissions a consultant needs:
read assessments and organisations, change assessments (the admin form only
lets them edit the review fields), read the review history. No add, no delete.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONSULTANT_PERMISSIONS = [
    "view_assessment",
    "change_assessment",
    "view_organization",
    "view_historicalassessment",
]


def create_consultants_group(apps, schema_editor):
    # Permissions are normally created after all migrations; create them now.
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name="Consultants")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="assessments",
            codename__in=CONSULTANT_PERMISSIONS,
        )
    )


def remove_consultants_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Consultants").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_review_and_history"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(create_consultants_group, remove_consultants_group),
    ]
