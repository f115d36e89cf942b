"""WSGI entry point, used by gunicorn: ``gunicorn factcheck.wsgi``.

Once the project is loaded (settings, apps, every view through the URLconf),
what startup made is frozen out of the garbage collector's sight: it lives
as long as the process, and a full collection would walk all of it again on
every large page. At 20,000 units that walk was a third of the workspace's
time (bench/workspace_bench.py). The collector keeps working on everything a
request makes; see the gc module's freeze().
"""

import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

application = get_wsgi_application()
# Resolving the URLconf imports every view, so they are frozen too.
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
