"""Webhook endpoints and their delivery log."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from ..models import Webhook, WebhookDelivery, WebhookEvent
from .refusing import ReadOnly


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        label=_("URL"),
        max_length=2000,
        assume_scheme="https",
        help_text=_(
            "Each delivery is a JSON POST here. Private and local addresses "
            "are refused unless FETCH_ALLOWED_HOSTS lists the host."
        ),
    )
    events = forms.TypedMultipleChoiceField(
        label=_("events"),
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What this endpoint is told about."),
    )

    class Meta:
        model = Webhook
        fields = ("url", "secret", "events", "active")
        help_texts = {
            "secret": _(
                "The receiver checks X-Factcheck-Signature: sha256= the "
                "HMAC-SHA256 of the body with this secret."
            ),
        }


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    """Endpoints told about imports, published verdicts and corrections."""

    form = WebhookForm
    list_display = ("url", "event_names", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("url",)

    @admin.display(description=_("events"))
    def event_names(self, hook: Webhook) -> str:
        return ", ".join(hook.events)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """The delivery log: every event sent, its answer and its attempts."""

    list_display = (
        "pk",
        "webhook",
        "event",
        "job_status",
        "status_code",
        "attempts",
        "last_error",
        "created_at",
        "delivered_at",
    )
    list_filter = ("event", "job__status", "status_code")
    list_select_related = ("webhook", "job")
    search_fields = ("webhook__url", "job__error")
    date_hierarchy = "created_at"
    list_per_page = 100

    @admin.display(description=_("status"), ordering="job__status")
    def job_status(self, delivery: WebhookDelivery) -> str:
        return delivery.job.get_status_display()

    @admin.display(description=_("attempts"))
    def attempts(self, delivery: WebhookDelivery) -> int:
        return delivery.job.attempts

    @admin.display(description=_("last error"))
    def last_error(self, delivery: WebhookDelivery) -> str:
        return Truncator(delivery.job.error).chars(80)
