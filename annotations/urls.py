from django.urls import path

from . import views

# The desk's pages: reverse("desk:workspace", ...), {% url 'desk:workspace' ... %}.
app_name = "desk"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("queue/", views.my_queue, name="queue"),
    path("search/", views.search, name="search"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/new/fetch/<int:pk>/", views.article_fetch, name="article_fetch"),
    path("articles/<int:pk>/", views.workspace, name="workspace"),
    path("articles/<int:pk>/assign/", views.article_assign, name="article_assign"),
    path("articles/<int:pk>/bulk/", views.article_bulk, name="article_bulk"),
    path(
        "articles/<int:pk>/analysis/", views.article_analysis, name="article_analysis"
    ),
    path("articles/<int:pk>/publish/", views.article_publish, name="article_publish"),
    path(
        "articles/<int:pk>/versions/new/",
        views.article_version_new,
        name="article_version_new",
    ),
    path(
        "articles/<int:pk>/versions/<int:number>/",
        views.article_version_diff,
        name="article_version_diff",
    ),
    path("claims/<int:pk>/panel/", views.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/", views.claim_save, name="claim_save"),
    path("claims/<int:pk>/sources/", views.source_add, name="source_add"),
    path("claims/<int:pk>/split/", views.claim_split, name="claim_split"),
    path("claims/<int:pk>/merge/", views.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", views.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/publish/", views.claim_publish, name="claim_publish"),
    path("claims/<int:pk>/correction/", views.claim_correct, name="claim_correct"),
    path("claims/<int:pk>/assign/", views.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/claimant/", views.claim_claimant, name="claim_claimant"),
    path("claimants/names/", views.claimant_names, name="claimant_names"),
    path("claims/<int:pk>/comments/", views.claim_comments, name="claim_comments"),
    path("claims/<int:pk>/history/", views.claim_history, name="claim_history"),
    path("claims/<int:pk>/reuse/", views.claim_reuse, name="claim_reuse"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/delete/", views.source_delete, name="source_delete"),
    path("sources/<int:pk>/archive/", views.source_archive, name="source_archive"),
    path("r/<int:pk>/", views.report, name="report"),
]
