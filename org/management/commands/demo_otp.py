"""python manage.py demo_otp POLICE_NUMBER — the current two-factor code of a demo account."""

from __future__ import annotations

import base64

from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from org.demo import DEMO_BUREAU_CODE


class Command(BaseCommand):
    help = "Print the current 6-digit code (and the key) of a demo account's authenticator."

    def add_arguments(self, parser):
        parser.add_argument("police_number")

    def handle(self, *args, police_number: str, **options):
        device = TOTPDevice.objects.filter(
            user__police_number=police_number, user__bureau__code=DEMO_BUREAU_CODE, name="demo", confirmed=True
        ).first()
        if device is None:
            raise CommandError("Only the demo accounts of two-factor roles have a demo authenticator.")
        code = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token()
        key = base64.b32encode(device.bin_key).decode()
        self.stdout.write(f"code: {code:06d}   (key for an authenticator app: {key})")
