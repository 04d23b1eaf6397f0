"""Demo repositories of 東都大学, one per protocol, pointing at the local fakes that
`manage.py run_deposit_fakes` serves (idempotent: existing repositories are left as they are)."""

from portal.models import Institution

from .models import Repository

# kind: (port, name_ja, name_en, collection, user name, secret)
FAKES = {
    Repository.Kind.INVENIORDM: (8701, "東都大学 研究データリポジトリ", "Toto University Research Data (InvenioRDM)",
                                 "", "", "demo-invenio-token"),
    Repository.Kind.SWORD2: (8702, "東都大学学術機関リポジトリ（JAIRO Cloud）", "Toto University Repository (JAIRO Cloud)",
                             "sword/collection/demo", "demo-depositor", "demo-sword-password"),
    Repository.Kind.DATAVERSE: (8703, "東都大学 Dataverse", "Toto University Dataverse", "demo", "",
                                "demo-dataverse-token"),
}


def load(stdout) -> None:
    institution = Institution.objects.get(code="9000000001")
    for kind, (port, name_ja, name_en, collection, username, secret) in FAKES.items():
        if Repository.objects.filter(institution=institution, kind=kind).exists():
            continue
        repository = Repository(institution=institution, kind=kind, name_ja=name_ja, name_en=name_en,
                                base_url=f"http://127.0.0.1:{port}", collection=collection, username=username,
                                package=Repository.Package.JPCOAR_ZIP if kind == Repository.Kind.SWORD2
                                else Repository.Package.ATOM)
        repository.set_secret(secret)
        repository.save()
    stdout.write("Demo repositories point at the local fakes: run `python manage.py run_deposit_fakes`.")
