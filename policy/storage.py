"""Where uploaded policy documents live: the `policy_documents` entry of STORAGES, outside every served path
(`policy.views.data_policy_document` hands them out after the visibility check)."""

from portal.storage import AliasedStorage

policy_document_storage = AliasedStorage("policy_documents")


def get_policy_document_storage():
    """The FileField's storage callable (kept by name in migrations, so settings can change it)."""
    return policy_document_storage
