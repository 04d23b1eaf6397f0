"""OAI-PMH 2.0 provider at /oai: what everyone may see (`ManagedData.objects.public()`), nothing else."""
