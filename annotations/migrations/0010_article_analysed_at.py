from django.db import migrations, models


def mark_analysed(apps, schema_editor) -> None:
    """Articles whose claims already have a normalised text were analysed."""
    Article = apps.get_model("annotations", "Article")
    Claim = apps.get_model("annotations", "Claim")
    analysed = Claim.objects.exclude(normalised="").values("article_id")
    for article in Article.objects.filter(pk__in=analysed).only("imported_at"):
        article.analysed_at = article.imported_at
        article.save(update_fields=["analysed_at"])


class Migration(migrations.Migration):
    dependencies = [("annotations", "0009_page_furniture_kinds")]

    operations = [
        migrations.AddField(
            model_name="article",
            name="analysed_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="analysed at"
            ),
        ),
        migrations.RunPython(mark_analysed, migrations.RunPython.noop),
    ]
