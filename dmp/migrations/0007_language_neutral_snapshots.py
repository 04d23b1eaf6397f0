"""Versions frozen before snapshots became language-neutral hold each person as one name, rendered in the
submitter's interface language. Give every such person both names: those of the account with the person's
e-mail address when the stored name is one of them (the account was not renamed since), else the stored
name in both languages, which is all that is known."""

from django.db import migrations

BATCH = 500


def _names(user) -> dict:
    return {"name_ja": f"{user.family_name_ja} {user.given_name_ja}".strip(),
            "name_en": f"{user.given_name_en} {user.family_name_en}".strip()}


def _person(name: str, email: str, users: dict) -> dict:
    user = users.get(email)
    if user is not None:
        names = _names(user)
        if name in (names["name_ja"], names["name_en"], user.email):
            return {**names, "email": email}
    return {"name_ja": name, "name_en": name, "email": email}


def _convert(versions, users) -> None:
    for version in versions:
        snapshot = version.project_snapshot
        snapshot["pi"] = _person(snapshot["pi"], snapshot.pop("pi_email", ""), users)
        snapshot["members"] = [{**_person(m.pop("name"), m["email"], users), **m}
                               for m in snapshot.get("members", [])]


def _legacy(version) -> bool:
    return isinstance(version.project_snapshot.get("pi"), str)


def forwards(apps, schema_editor):
    DMPVersion = apps.get_model("dmp", "DMPVersion")
    User = apps.get_model("portal", "User")
    pks = list(DMPVersion.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        versions = [v for v in DMPVersion.objects.filter(pk__in=pks[start:start + BATCH]) if _legacy(v)]
        emails = {v.project_snapshot.get("pi_email", "") for v in versions}
        emails |= {m["email"] for v in versions for m in v.project_snapshot.get("members", [])}
        users = {u.email: u for u in User.objects.filter(email__in=emails)}
        _convert(versions, users)
        DMPVersion.objects.bulk_update(versions, ["project_snapshot"])


def backwards(apps, schema_editor):
    """One name per person again: the Japanese one (else the English one, else the e-mail address)."""
    DMPVersion = apps.get_model("dmp", "DMPVersion")
    for version in DMPVersion.objects.iterator(chunk_size=BATCH):
        snapshot = version.project_snapshot
        if not isinstance(snapshot.get("pi"), dict):
            continue
        pi = snapshot["pi"]
        snapshot["pi"], snapshot["pi_email"] = pi["name_ja"] or pi["name_en"] or pi["email"], pi["email"]
        snapshot["members"] = [
            {"name": m["name_ja"] or m["name_en"] or m["email"],
             **{k: v for k, v in m.items() if k not in ("name_ja", "name_en")}}
            for m in snapshot.get("members", [])]
        version.save(update_fields=["project_snapshot"])


class Migration(migrations.Migration):
    dependencies = [("dmp", "0006_merge_0005_clean_text_fields_0005_dmp_madmp_extension")]

    operations = [migrations.RunPython(forwards, backwards)]
