"""`manage.py ensure_roles [--demo-accounts]`: the newsroom's groups, section permissions and the
"Relecture" workflow (news/roles.py). Running it again changes nothing.

With --demo-accounts, one account per role is created when missing (redaction, secretariat,
chef, administration); each generated password is printed once, at creation.
"""

import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from news import roles

DEMO_ACCOUNTS = {
    "redaction": roles.WRITERS,
    "secretariat": roles.DESK,
    "chef": roles.CHIEFS,
    "administration": roles.ADMINS,
}


class Command(BaseCommand):
    help = "Create the newsroom's groups, permissions and review workflow (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--demo-accounts",
            action="store_true",
            help="Also create one demo account per role (passwords printed once).",
        )

    def handle(self, *args, **options):
        groups = roles.ensure_roles()
        self.stdout.write(f"Rôles à jour : {', '.join(groups)} ; circuit « {roles.WORKFLOW} ».")
        if options["demo_accounts"]:
            self._demo_accounts(groups)

    def _demo_accounts(self, groups):
        User = get_user_model()  # noqa: N806
        for username, group_name in DEMO_ACCOUNTS.items():
            if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
                continue
            password = secrets.token_urlsafe(12)
            with transaction.atomic():
                user = User(**{User.USERNAME_FIELD: username, "email": ""})
                user.first_name = group_name
                user.set_password(password)
                user.save()
                user.groups.add(groups[group_name])
            # Shown once: it is stored only as a hash.
            self.stdout.write(
                self.style.SUCCESS(f"Compte de démonstration « {group_name} » : {username}")
                + f" / mot de passe (affiché une seule fois) : {password}"
            )
