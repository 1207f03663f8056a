"""Photos of drafts that exist already are held (media 0004): the sweep of abandoned uploads leaves them
alone, withdrawn drafts' included."""

from django.db import migrations


def hold(apps, schema_editor):
    DraftPhoto = apps.get_model("publishing", "DraftPhoto")
    MediaItem = apps.get_model("media", "MediaItem")
    MediaItem.objects.filter(pk__in=DraftPhoto.objects.values("media_id")).update(held=True)


class Migration(migrations.Migration):
    dependencies = [
        ("publishing", "0001_drafts_reviews_watch_list"),
        ("media", "0004_media_held_by_drafts"),
    ]

    operations = [migrations.RunPython(hold, migrations.RunPython.noop)]
