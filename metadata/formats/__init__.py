"""Export formats of a managed-data record: JPCOAR 2.0, DataCite kernel 4 and simple Dublin Core."""
