from django.urls import path

from . import views

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("articles/new/", views.article_new, name="article_new"),
    path("articles/<int:pk>/", views.workspace, name="workspace"),
    path("claims/<int:pk>/panel/", views.claim_panel, name="claim_panel"),
    path("claims/<int:pk>/", views.claim_save, name="claim_save"),
    path("claims/<int:pk>/sources/", views.source_add, name="source_add"),
    path("claims/<int:pk>/split/", views.claim_split, name="claim_split"),
    path("claims/<int:pk>/merge/", views.claim_merge, name="claim_merge"),
    path("sources/<int:pk>/", views.source_edit, name="source_edit"),
    path("sources/<int:pk>/delete/", views.source_delete, name="source_delete"),
    path("r/<int:pk>/", views.report, name="report"),
]
