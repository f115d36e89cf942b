"""Users, their roles (the auth groups) and their API tokens."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import TokenProxy

from .. import tokens
from ..models import ApiToken

TOKEN_ONCE = _(
    "The new API token of %(user)s is %(key)s. Copy it now: only its hash is "
    "stored, so it cannot be shown again. Any earlier token of theirs no longer "
    "works."
)


User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class DeskUserAdmin(UserAdmin):
    """Users and their roles (the groups viewer, editor, reviewer and admin)."""

    list_display = (
        "username",
        "email",
        "role_names",
        "is_staff",
        "is_active",
        "last_login",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("groups")

    def get_readonly_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        fields = tuple(super().get_readonly_fields(request, obj))
        if request.user.is_superuser:
            return fields
        # Only a superuser makes superusers or grants permissions outside a role.
        return (*fields, "is_superuser", "user_permissions")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Only a superuser changes a superuser (its password included, which
        # UserAdmin checks with this): the admin role must not be able to take
        # over a stronger account.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["label"] = _("Roles")
            kwargs["help_text"] = _(
                "viewer reads; editor also writes verdicts and sources; reviewer "
                "also approves and publishes; admin also deletes articles and "
                "manages users."
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("roles"))
    def role_names(self, user) -> str:
        names = sorted(group.name for group in user.groups.all())
        if user.is_superuser:
            names.append(str(_("superuser")))
        return format_html_join(", ", "{}", ((name,) for name in names)) or "—"


@admin.register(Group)
class RoleAdmin(GroupAdmin):
    """The roles: each a group with its permissions (roles.install_roles)."""

    list_display = ("name", "members")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(member_count=Count("user"))

    @admin.display(description=_("members"), ordering="member_count")
    def members(self, group: Group) -> int:
        return group.member_count


# Plain-text keys are gone (migration 0006): DRF's token admin would show none.
admin.site.unregister(TokenProxy)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """API tokens (superusers only): a new key is shown once, then only its hash."""

    list_display = ("user", "prefix", "created_at")
    list_select_related = ("user",)
    search_fields = ("user__username", "prefix")
    fields = ("user",)
    readonly_fields = ("prefix", "created_at")

    def get_fields(self, request: HttpRequest, obj=None) -> tuple[str, ...]:
        return ("user",) if obj is None else ("user", "prefix", "created_at")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: ApiToken, form, change) -> None:
        token, key = tokens.create_token(user=obj.user)
        obj.pk, obj.prefix, obj.digest = token.pk, token.prefix, token.digest
        obj.created_at = token.created_at
        self.message_user(
            request, TOKEN_ONCE % {"user": obj.user, "key": key}, messages.WARNING
        )
