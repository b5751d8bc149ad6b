from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.utils.translation import gettext_lazy as _

from org.models import Bureau, LegalOfficerAssignment, Unit, User
from org.versioned_admin import VersionedAdmin, VersionedModelForm

admin.site.site_header = _("Law-enforcement supervision portal: administration")
admin.site.site_title = _("Portal administration")
admin.site.index_title = _("Administration")

# The libraries' models whose names are plain English strings (not translatable, and a changed
# verbose_name would need a migration in the library): named in the index and sidebar here.
_LIBRARY_MODEL_NAMES = {
    ("otp_totp", "totpdevice"): _("Authenticator app devices"),
    ("otp_static", "staticdevice"): _("Recovery code sets"),
    ("pghistory", "events"): _("Audit events"),
}
_library_app_list = admin.site.get_app_list


def _app_list_named(request, app_label=None):
    app_list = _library_app_list(request, app_label)
    for app in app_list:
        for model in app["models"]:
            name = _LIBRARY_MODEL_NAMES.get((app["app_label"], model["object_name"].lower()))
            if name is not None:
                model["name"] = name
    return app_list


admin.site.get_app_list = _app_list_named


@admin.register(Bureau)
class BureauAdmin(VersionedAdmin):
    list_display = ("code", "name")


@admin.register(Unit)
class UnitAdmin(VersionedAdmin):
    list_display = ("code", "name", "kind", "is_active", "bureau")
    list_filter = ("kind", "is_active", "bureau")
    search_fields = ("code", "name")


class OfficerCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("police_number", "name", "bureau", "unit", "role")


class OfficerChangeForm(VersionedModelForm, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.action(description=_("Reset two-factor login (set up again at next login)"))
def reset_two_factor(modeladmin, request, queryset):
    from org import twofactor

    for user in queryset:
        twofactor.reset(user)
    modeladmin.message_user(request, _("Two-factor login reset for %(n)s officer(s).") % {"n": queryset.count()})


@admin.register(User)
class UserAdmin(VersionedAdmin, BaseUserAdmin):
    actions = [reset_two_factor]
    form = OfficerChangeForm
    add_form = OfficerCreationForm
    ordering = ("police_number",)
    list_display = ("police_number", "name", "unit", "role", "rank", "hire_date", "is_active")
    list_filter = ("role", "is_active", "is_auxiliary", "unit")
    search_fields = ("police_number", "name")
    autocomplete_fields = ("unit",)
    fieldsets = (
        (None, {"fields": ("police_number", "password")}),
        (_("Officer"), {"fields": ("name", "bureau", "unit", "rank", "hire_date", "is_auxiliary")}),
        (_("Access"), {"fields": ("role", "is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("police_number", "name", "bureau", "unit", "role", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")


@admin.register(LegalOfficerAssignment)
class LegalOfficerAssignmentAdmin(VersionedAdmin):
    list_display = ("officer", "unit", "start_date", "end_date")
    list_filter = ("unit",)
    autocomplete_fields = ("officer", "unit")
    search_fields = ("officer__name", "officer__police_number", "unit__name")
