"""History reasons were stored as text in the writer's language; store them as codes (models.CHANGE_REASONS)."""

import re

from django.db import migrations

TEXTS = {
    "created": ("Draft created", "案を作成"),
    "edited": ("Draft edited", "案を編集"),
    "adopted": ("Adopted", "策定済み"),
}
SUPERSEDED = (re.compile(r"^Superseded by version (.+)$"), re.compile(r"^版(.+)により改定$"))


def to_codes(apps, schema_editor):
    history = apps.get_model("policy", "HistoricalDataPolicy")
    for code, texts in TEXTS.items():
        history.objects.filter(history_change_reason__in=texts).update(history_change_reason=code)
    for entry in history.objects.filter(history_change_reason__regex=r"^(Superseded by version |版)"):
        for pattern in SUPERSEDED:
            match = pattern.match(entry.history_change_reason)
            if match:
                history.objects.filter(pk=entry.pk).update(history_change_reason=f"superseded:{match[1]}")
                break


def to_texts(apps, schema_editor):
    history = apps.get_model("policy", "HistoricalDataPolicy")
    for code, (text, _ja) in TEXTS.items():
        history.objects.filter(history_change_reason=code).update(history_change_reason=text)
    for entry in history.objects.filter(history_change_reason__startswith="superseded:"):
        version = entry.history_change_reason.partition(":")[2]
        history.objects.filter(pk=entry.pk).update(history_change_reason=f"Superseded by version {version}")


class Migration(migrations.Migration):
    dependencies = [("policy", "0003_private_pdf_documents")]

    operations = [migrations.RunPython(to_codes, to_texts)]
