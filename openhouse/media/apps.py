from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "openhouse.media"
    label = "media"

    def ready(self) -> None:
        from openhouse.media.images import register_formats

        register_formats()
