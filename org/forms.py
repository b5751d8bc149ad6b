from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class PoliceNumberLoginForm(AuthenticationForm):
    """Log in by police number (警号) and password."""

    username = forms.CharField(
        label=_("Police number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username", "inputmode": "numeric"}),
    )
    error_messages = {
        "invalid_login": _("Wrong police number or password. Both are case-sensitive."),
        "inactive": _("This account is disabled. Ask the administrator."),
    }
