from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from org import security, twofactor


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    return target if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) else "/"


@login_required
def otp_verify(request):
    if not twofactor.confirmed_totp(request.user):
        return redirect("otp_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.verify_code(request, form.cleaned_data["code"]):
            return redirect(_next(request))
        security.record(request, "login_failed", second_factor=True)
        form.add_error("code", _("The code is wrong or has expired. Enter the current 6-digit code."))
    return render(request, "org/otp_verify.html", {"form": form, "next": _next(request)})


@login_required
def otp_setup(request):
    if twofactor.confirmed_totp(request.user) and not twofactor.is_verified(request):
        return redirect("otp_verify")
    device = twofactor.setup_device(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_setup(request, device, form.cleaned_data["code"])
        if codes is not None:
            return render(request, "org/otp_recovery.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", _("The code does not match. Check the time on your phone and try again."))
    return render(
        request,
        "org/otp_setup.html",
        {"form": form, "qr": twofactor.qr_svg(device), "secret": device.config_url.split("secret=")[1].split("&")[0]},
    )


@login_required
def api_tokens(request):
    """The officer's API token: issued only from a (two-factor, where required) web login; revocable."""
    token = Token.objects.filter(user=request.user).first()
    return render(request, "org/api_tokens.html", {"token": token, "new_key": request.session.pop("new_token", None)})


@login_required
@require_POST
def api_token_issue(request):
    if twofactor.requires_two_factors(request.user) and not twofactor.is_verified(request):
        raise PermissionDenied
    Token.objects.filter(user=request.user).delete()
    token = Token.objects.create(user=request.user)
    request.session["new_token"] = token.key
    security.record(request, "export", what="api_token_issued")
    messages.success(request, _("A new API token was issued; the old one no longer works."))
    return redirect("org:api_tokens")


@login_required
@require_POST
def api_token_revoke(request):
    Token.objects.filter(user=request.user).delete()
    messages.success(request, _("Your API token was revoked."))
    return redirect("org:api_tokens")
