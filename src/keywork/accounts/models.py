from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A staff member's account. Clients have no accounts in the foundation."""

    language = models.CharField(
        _("preferred language"),
        max_length=8,
        blank=True,
        choices=[("en", "English"), ("sv", "Svenska")],
        help_text=_("The language Keywork uses for you after you sign in."),
    )
    is_demo = models.BooleanField(default=False, editable=False)

    def __str__(self) -> str:
        return self.get_full_name() or self.username
