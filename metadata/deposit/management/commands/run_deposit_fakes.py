"""Serve the fake InvenioRDM, SWORD 2 and Dataverse repositories on 127.0.0.1 for the demo (the ports and
credentials of the demo repositories), until interrupted."""


from django.core.management.base import BaseCommand

from metadata.deposit.demo import FAKES
from metadata.deposit.models import Repository
from tests.fakes.base import serve_until_interrupted
from tests.fakes.dataverse import FakeDataverse
from tests.fakes.inveniordm import FakeInvenioRDM
from tests.fakes.sword import FakeSword


class Command(BaseCommand):
    help = "Serve the fake deposit repositories used by the demo (InvenioRDM, SWORD 2, Dataverse) on 127.0.0.1."

    def handle(self, *args, **options):
        invenio, sword, dataverse = (FAKES[kind] for kind in (Repository.Kind.INVENIORDM, Repository.Kind.SWORD2,
                                                               Repository.Kind.DATAVERSE))
        servers = [
            FakeInvenioRDM(port=invenio[0], token=invenio[5]),
            FakeSword(port=sword[0], username=sword[4], password=sword[5]),
            FakeDataverse(port=dataverse[0], token=dataverse[5]),
        ]
        for server in servers:
            server.start()
            self.stdout.write(f"{server.name:<11} {server.url}")
        self.stdout.write("Press Ctrl-C to stop.")
        serve_until_interrupted(servers)
