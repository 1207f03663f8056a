"""The private storage of draft photos' uploaded originals on local disk: files without any URL."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """FileSystemStorage that refuses to make URLs (Django would otherwise fall back to MEDIA_URL)."""

    def url(self, name: str | None) -> str:
        raise ValueError("This file is not accessible via a URL: originals are never served.")
