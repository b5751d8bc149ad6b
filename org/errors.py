"""Errors shared by every app's services."""


class Conflict(Exception):
    """The record moved on while the user was looking at it (answered 409 by the API)."""
