"""The Django admin, for the desk's staff. Every change goes through services.

The admin sees everything, deleted articles too; roles are the auth groups.
A service's refusal (a published verdict is frozen, a stale version, a
missing role) is shown as a message, never as a server error (refusing.py).
Django's autodiscovery imports this package: each module registers its pages.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import (  # noqa: F401 (each registers its models' pages)
    articles,
    claimants,
    claims,
    jobs,
    people,
    ratings,
    reviews,
    sources,
    webhooks,
)

# Shown in the admin's header and the import page.
admin.site.site_header = _("factcheck administration")
admin.site.site_title = _("factcheck")
admin.site.index_title = _("Desk")
