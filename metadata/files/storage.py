"""Where the bytes of data files live: the `data_files` entry of Django's STORAGES setting (the local file
system by default, S3-compatible object storage by settings). Code reaches the storage only through
`data_file_storage`, never through a path."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

STORAGE_ALIAS = "data_files"


class DataFileStorage(LazyObject):
    def _setup(self):
        self._wrapped = storages[STORAGE_ALIAS]


data_file_storage = DataFileStorage()


def get_data_file_storage():
    """The FileField's storage callable (kept by name in migrations, so settings can change it)."""
    return data_file_storage


def is_object_storage() -> bool:
    """Whether the storage speaks S3 (uploads go through multipart uploads, downloads through presigned URLs)."""
    return hasattr(data_file_storage, "bucket_name")


@receiver(setting_changed)
def _reset_storage(*, setting, **kwargs):
    if setting == "STORAGES":
        data_file_storage._wrapped = empty
