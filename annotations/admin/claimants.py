"""Who made claims."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ..models import Claimant
from ..services import claimants
from .display import DeskMedia
from .refusing import REFUSALS, ServiceRefusals


class ClaimantAdminForm(forms.ModelForm):
    class Meta:
        model = Claimant
        fields = ("name", "type", "role")

    def validate_constraints(self) -> None:
        pass  # claimants.update_claimant says which name is taken, in words


@admin.register(Claimant)
class ClaimantAdmin(ServiceRefusals, admin.ModelAdmin):
    """Who made claims: searched by the claim admin's claimant field too."""

    Media = DeskMedia
    form = ClaimantAdminForm
    list_display = ("name", "type", "role", "claim_count")
    list_filter = ("type",)
    search_fields = ("name", "role")
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Claimant]:
        return super().get_queryset(request).annotate(claim_count=Count("claims"))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # named on a claim (its panel, API or admin page)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False  # claims keep their claimant; unused ones are not offered

    @admin.display(description=_("claims"), ordering="claim_count")
    def claim_count(self, claimant: Claimant) -> int:
        return claimant.claim_count

    def save_model(self, request, obj: Claimant, form, change: bool) -> None:
        data = form.cleaned_data
        try:
            claimants.update_claimant(
                claimant=Claimant.objects.get(pk=obj.pk),
                editor=request.user,
                name=data["name"],
                claimant_type=data["type"],
                role=data["role"],
            )
        except REFUSALS as error:
            self.refuse(request, error)
