"""OpenAPI post-processing: every operation documents the error answers it can give."""

from __future__ import annotations

ERROR_SCHEMA = {
    "type": "object",
    "description": "Field name → messages, or {'detail': message}.",
    "additionalProperties": True,
}
ERRORS = {
    "400": "Invalid input: messages per field, in the user's language.",
    "401": "No or invalid credentials.",
    "403": "Not allowed for this role (or the second factor is missing).",
    "404": "Not found, or outside the user's scope.",
    "409": "The record moved on meanwhile (a newer version, or already decided).",
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code == "409" and method == "get":
                    continue
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result
