"""The Django admin side of org.versioning: an administrator's change form (and a change
list's editable cells) carries the version it was opened at; a save over a newer version is
refused on the page, with the administrator's input kept."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.forms.boundfield import BoundField
from django.utils.translation import gettext_lazy as _

from org.errors import Conflict
from org.versioning import lock_at_version

FIELD = "expected_version"


class _CarriesVersion(BoundField):
    """A list-editable cell that also carries the row's version (the change list renders only
    the editable fields and the primary key)."""

    def __str__(self) -> str:
        return super().__str__() + str(self.form[FIELD])


class VersionedModelForm(forms.ModelForm):
    """An admin change form that carries the version it was opened at and is refused, with the
    user's input kept on the page, when the record was saved by someone else meanwhile."""

    expected_version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.initial.setdefault(FIELD, self.instance.version)

    def clean(self):
        cleaned = super().clean()
        if self.instance._state.adding:
            return cleaned
        try:
            # Locked until the admin's transaction commits the save. The page always sends the
            # version; a post without one (a script) is not checked, as in the services.
            stored = lock_at_version(type(self.instance), pk=self.instance.pk, expected=cleaned.get(FIELD))
        except Conflict as exc:
            self.add_error(None, str(exc))
        else:
            self.instance.version = stored.version + 1
        return cleaned


class VersionedChangeListForm(VersionedModelForm):
    """A row of a change list with editable cells: the first cell carries the version."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        editable = [name for name in self.fields if name != FIELD and not self.fields[name].widget.is_hidden]
        if editable:
            self.fields[editable[0]].bound_field_class = _CarriesVersion


class VersionedAdmin(admin.ModelAdmin):
    """ModelAdmin of a model with a `version` column: the change form and the change list's
    editable cells are refused when the record was saved by someone else meanwhile; a save
    writes only the columns its form shows (not a stale copy of the others)."""

    form = VersionedModelForm

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != FIELD]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append(FIELD)
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Declared fieldsets do not go through get_fields: the version rides in a hidden one.
        if self.fieldsets and obj is not None and self.has_change_permission(request, obj):
            fieldsets = [*fieldsets, (None, {"fields": [FIELD], "classes": ["hidden"]})]
        return fieldsets

    def get_changelist_form(self, request, **kwargs):
        kwargs.setdefault("form", VersionedChangeListForm)
        return super().get_changelist_form(request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            return super().save_model(request, obj, form, change)
        shown = {f.name for f in obj._meta.concrete_fields if not f.primary_key and f.name in form.fields}
        shown |= {f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)}
        obj.save(update_fields=[*sorted(shown), "version"])
