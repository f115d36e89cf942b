from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

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
    path("export/verdicts.json", views.JsonExport.as_view(), name="export-json"),
    path("export/verdicts.csv", views.CsvExport.as_view(), name="export-csv"),
    path(
        "export/claimreview.jsonld",
        views.ClaimReviewExport.as_view(),
        name="export-claimreview",
    ),
    path(
        "export/annotations.jsonld",
        views.AnnotationExport.as_view(),
        name="export-w3c",
    ),
]
