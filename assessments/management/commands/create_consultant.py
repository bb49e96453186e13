"""python manage.py create_consultant USERNAME [--email ADDRESS]

Creates (or updates) a staff account in the Consultants group. The password is
asked for twice, or read from the CONSULTANT_PASSWORD environment variable.
"""

import getpass
import os

from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from assessments.admin import CONSULTANTS_GROUP


class Command(BaseCommand):
    help = "Create a consultant account for the admin."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="")

    def handle(self, *args, username: str, email: str, **options):
        password = os.environ.get("CONSULTANT_PASSWORD") or self._ask_password()
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first() or user_model(
            username=username
        )
        user.email = email or user.email
        user.is_staff = True
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=CONSULTANTS_GROUP))
        self.stdout.write(f"Consultant {username} can now log in at /admin/.")

    def _ask_password(self) -> str:
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first
