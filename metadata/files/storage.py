"""Where the bytes of data files live: the `data_files` entry of Django's STORAGES setting (the local file
system by default, S3-compatible object storage by settings). Code reaches the storage only through
`data_file_storage`, never through a path."""

from portal.storage import AliasedStorage

STORAGE_ALIAS = "data_files"
BLOCK = 1024 * 1024  # bytes read or written at a time


data_file_storage = AliasedStorage(STORAGE_ALIAS)


def get_data_file_storage():
    """The FileField's storage callable (kept by name in migrations, so settings can change it)."""
    return data_file_storage


def is_object_storage() -> bool:
    """Whether the storage speaks S3 (uploads go through multipart uploads, downloads through presigned URLs)."""
    return hasattr(data_file_storage, "bucket_name")


def s3_client():
    return data_file_storage.connection.meta.client


def s3_key(key: str) -> str:
    """The object key of a storage name (the storage's `location` prefix applied)."""
    return data_file_storage._normalize_name(key)


def stored_blocks(key: str, limit: int | None = None):
    """The stored bytes of `key` (the first `limit` of them), a block at a time, from either storage: what
    checksums, media-type detection and deposits read. On S3 a streamed (ranged) GET: django-storages'
    S3File would first copy the whole object."""
    if is_object_storage():
        extra = {"Range": f"bytes=0-{limit - 1}"} if limit else {}
        body = s3_client().get_object(Bucket=data_file_storage.bucket_name, Key=s3_key(key), **extra)["Body"]
        yield from body.iter_chunks(BLOCK)
        return
    with data_file_storage.open(key, "rb") as f:
        remaining = limit or float("inf")
        while remaining > 0 and (data := f.read(int(min(BLOCK, remaining)))):
            remaining -= len(data)
            yield data
