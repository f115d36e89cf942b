from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import exports, views

# The API's routes: reverse("api:claim-detail", ...), reverse("api:search").
app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("sources", views.SourceViewSet, basename="source")
router.register("jobs", views.JobViewSet, basename="job")

urlpatterns = [
    path("", include(router.urls)),
    path("search/", views.SearchView.as_view(), name="search"),
    # One per registered export format (annotations/exporters.py).
    *exports.urlpatterns(),
]
