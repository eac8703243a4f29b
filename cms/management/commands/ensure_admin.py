"""`manage.py ensure_admin`: make sure the admin can be reached on a fresh install.

Creates a superuser only when none exists. Credentials come from KIOSQUE_ADMIN_USER,
KIOSQUE_ADMIN_PASSWORD and KIOSQUE_ADMIN_EMAIL; without a password, a random one is generated
and printed once, at creation. Running it again changes nothing.
"""

import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cms.settings.base import env

DEFAULT_USERNAME = "admin"


class Command(BaseCommand):
    help = "Create a superuser if there is none (credentials from KIOSQUE_ADMIN_* or generated)."

    def handle(self, *args, **options):
        User = get_user_model()  # noqa: N806
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("Un compte administrateur existe déjà : rien à faire.")
            return

        username = env("KIOSQUE_ADMIN_USER", DEFAULT_USERNAME).strip()
        email = env("KIOSQUE_ADMIN_EMAIL", "") or ""
        password = env("KIOSQUE_ADMIN_PASSWORD")
        generated = password is None
        if generated:
            password = secrets.token_urlsafe(18)

        user = User(**{User.USERNAME_FIELD: username, "email": email})
        if User.objects.filter(**{User.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"A user named {username!r} exists but is not a superuser; "
                "promote it in the admin or set KIOSQUE_ADMIN_USER to another name."
            )
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except ValidationError as exc:
            reason = " ".join(exc.messages)
            raise CommandError(f"Cannot create the admin account: {reason}") from exc

        user.is_staff = user.is_superuser = True
        user.set_password(password)
        with transaction.atomic():
            user.save()

        self.stdout.write(self.style.SUCCESS(f"Compte administrateur créé : {username}"))
        if generated:
            # Shown once: it is stored only as a hash.
            self.stdout.write(f"Mot de passe (affiché une seule fois) : {password}")
        else:
            self.stdout.write("Mot de passe : celui de KIOSQUE_ADMIN_PASSWORD.")
