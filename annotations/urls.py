from django.urls import path

from .web import articles, claims, reports, review, search, workspace

# The desk's pages: reverse("desk:workspace", ...), {% url 'desk:workspace' ... %}.
app_name = "desk"

urlpatterns = [
    path("", articles.dashboard, name="dashboard"),
    path("queue/", review.my_queue, name="queue"),
    path("search/", search.search, name="search"),
    path("articles/new/", articles.article_new, name="article_new"),
    path("articles/new/fetch/<int:pk>/", articles.article_fetch, name="article_fetch"),
    path("articles/<int:pk>/", workspace.workspace, name="workspace"),
    path("articles/<int:pk>/assign/", articles.article_assign, name="article_assign"),
    path("articles/<int:pk>/bulk/", articles.article_bulk, name="article_bulk"),
    path(
        "articles/<int:pk>/analysis/",
        workspace.article_analysis,
        name="article_analysis",
    ),
    path("articles/<int:pk>/publish/", review.article_publish, name="article_publish"),
    path(
        "articles/<int:pk>/versions/new/",
        articles.article_version_new,
        name="article_version_new",
    ),
    path(
        "articles/<int:pk>/versions/<int:number>/",
        articles.article_version_diff,
        name="article_version_diff",
    ),
    path("claims/<int:pk>/panel/", workspace.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/", claims.claim_save, name="claim_save"),
    path("claims/<int:pk>/sources/", claims.source_add, name="source_add"),
    path("claims/<int:pk>/split/", claims.claim_split, name="claim_split"),
    path("claims/<int:pk>/merge/", claims.claim_merge, name="claim_merge"),
    path("claims/<int:pk>/approve/", review.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/reject/", review.claim_reject, name="claim_reject"),
    path("claims/<int:pk>/publish/", review.claim_publish, name="claim_publish"),
    path("claims/<int:pk>/correction/", review.claim_correct, name="claim_correct"),
    path("claims/<int:pk>/assign/", claims.claim_assign, name="claim_assign"),
    path("claims/<int:pk>/claimant/", claims.claim_claimant, name="claim_claimant"),
    path("claimants/names/", claims.claimant_names, name="claimant_names"),
    path("claims/<int:pk>/comments/", claims.claim_comments, name="claim_comments"),
    path("claims/<int:pk>/history/", workspace.claim_history, name="claim_history"),
    path("claims/<int:pk>/reuse/", claims.claim_reuse, name="claim_reuse"),
    path("sources/<int:pk>/", claims.source_edit, name="source_edit"),
    path("sources/<int:pk>/delete/", claims.source_delete, name="source_delete"),
    path("sources/<int:pk>/archive/", reports.source_archive, name="source_archive"),
    path("r/<int:pk>/", reports.report, name="report"),
]
