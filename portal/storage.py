"""Storages named in Django's STORAGES setting, reached lazily by their alias, so that a changed setting
(a deployment's choice, a test's temporary folder) takes effect without a restart of the code that holds them.
Private files (data files, policy documents) live in such storages, outside every served path: their bytes
go out only through a view that applies the access rule."""

from django.core.files.storage import storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty
from whitenoise.storage import CompressedManifestStaticFilesStorage

_ALL = []


class AliasedStorage(LazyObject):
    def __init__(self, alias: str):
        super().__init__()
        self.__dict__["alias"] = alias
        _ALL.append(self)

    def _setup(self):
        self._wrapped = storages[self.__dict__["alias"]]


@receiver(setting_changed)
def _reset_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        for storage in _ALL:
            storage._wrapped = empty


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """What WhiteNoise serves without DEBUG: compressed files with hashed names (cached for ever). Vendored
    libraries (static/vendor/) ship without the source maps their last line names, so those references are
    left as they are rather than failing `collectstatic`."""

    patterns = tuple(
        (extension, tuple(p for p in rules if "sourceMappingURL" not in str(p)))
        for extension, rules in CompressedManifestStaticFilesStorage.patterns
    )
