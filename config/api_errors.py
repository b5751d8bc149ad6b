"""One place where service errors become API answers: a Django ValidationError is a 400 with
messages per field, a Conflict a 409, a
missing object DRF's translated 404; everything else is DRF's usual handling."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from org.errors import Conflict


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Conflict):
        return Response({"detail": str(exc)}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, Http404):
        # get_object_or_404's "No Unit matches the given query." is English whatever the
        # language and names the model; DRF's own answer is translated and says only that.
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)
