"""The dashboards' copies, kept by the database itself: no write path can forget them.

Columns copied so that the dashboards count from narrow indexes without joins:
- on `metadata_manageddata`: `program_id`, `funder_id` (the project's program and its funder), `effective_field`
  (the record's research field, the project's when it names "project"), and `latest_version` (the newest
  published version of a family stands for it in counts; the first before any is published);
- on `dmp_dmp`: `department_id`, `institution_id`, `funder_id` (the project's, and its program's funder).

Triggers fill them on every insert and update of a record or DMP (whatever the ORM sent), and refresh them
when a project's program, field, department or institution changes, when a program changes funder, and
when a version is added, published, withdrawn or deleted. `install` (re)creates them; it runs after every
`migrate` (`MetadataConfig.ready`), so squashed migrations and SQLite's table rebuilds (which drop a
table's triggers) cannot lose them. PostgreSQL: BEFORE triggers set the row's own copies, AFTER triggers the
other rows. SQLite (the demo database): AFTER triggers that update the rows, written to change nothing the
second time, so they end even with `recursive_triggers` on.
"""

from django.db import connections, transaction

TABLES = ("metadata_manageddata", "dmp_dmp", "dmp_project", "policy_fundingprogram")

POSTGRESQL = [
    """CREATE OR REPLACE FUNCTION md_family_refresh(family bigint) RETURNS void LANGUAGE sql AS $$
    WITH latest AS (SELECT coalesce(max(id), family) AS id FROM metadata_manageddata
                    WHERE (id = family OR version_of_id = family) AND status = 'published')
    UPDATE metadata_manageddata m SET latest_version = (m.id = latest.id) FROM latest
    WHERE (m.id = family OR m.version_of_id = family) AND m.latest_version <> (m.id = latest.id) $$""",
    """CREATE OR REPLACE FUNCTION md_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        family bigint := coalesce(NEW.version_of_id, NEW.id);
        latest bigint;
    BEGIN
        SELECT p.program_id, f.funder_id,
               CASE WHEN NEW.research_field = 'project' THEN p.research_field ELSE NEW.research_field END
          INTO NEW.program_id, NEW.funder_id, NEW.effective_field
          FROM dmp_project p LEFT JOIN policy_fundingprogram f ON f.id = p.program_id WHERE p.id = NEW.project_id;
        NEW.effective_field := coalesce(NEW.effective_field, '');
        IF TG_OP = 'INSERT' AND NEW.version_of_id IS NULL THEN
            NEW.latest_version := true;  -- a new record is a family of one
        ELSE
            SELECT max(id) INTO latest FROM metadata_manageddata
             WHERE (id = family OR version_of_id = family) AND id <> NEW.id AND status = 'published';
            IF NEW.status = 'published' AND NEW.id > coalesce(latest, 0) THEN
                latest := NEW.id;
            END IF;
            NEW.latest_version := NEW.id = coalesce(latest, family);
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION md_family_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'INSERT' THEN
            PERFORM md_family_refresh(coalesce(OLD.version_of_id, OLD.id));
        END IF;
        IF TG_OP <> 'DELETE' THEN
            PERFORM md_family_refresh(coalesce(NEW.version_of_id, NEW.id));
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION dmp_copies() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT p.department_id, p.institution_id, f.funder_id INTO NEW.department_id, NEW.institution_id, NEW.funder_id
          FROM dmp_project p LEFT JOIN policy_fundingprogram f ON f.id = p.program_id WHERE p.id = NEW.project_id;
        RETURN NEW;
    END $$""",
    # Touching project_id makes the BEFORE triggers above copy again.
    """CREATE OR REPLACE FUNCTION project_copies_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.program_id IS DISTINCT FROM NEW.program_id OR OLD.research_field IS DISTINCT FROM NEW.research_field THEN
            UPDATE metadata_manageddata SET project_id = project_id WHERE project_id = NEW.id;
        END IF;
        UPDATE dmp_dmp SET project_id = project_id WHERE project_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE OR REPLACE FUNCTION program_copies_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE metadata_manageddata SET project_id = project_id
         WHERE project_id IN (SELECT id FROM dmp_project WHERE program_id = NEW.id);
        UPDATE dmp_dmp SET project_id = project_id
         WHERE project_id IN (SELECT id FROM dmp_project WHERE program_id = NEW.id);
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER md_copies BEFORE INSERT OR UPDATE OF project_id, research_field, program_id, funder_id,
    effective_field, status, version_of_id, latest_version ON metadata_manageddata
    FOR EACH ROW EXECUTE FUNCTION md_copies()""",
    """CREATE TRIGGER md_family_insert AFTER INSERT ON metadata_manageddata
    FOR EACH ROW WHEN (NEW.version_of_id IS NOT NULL) EXECUTE FUNCTION md_family_sync()""",
    """CREATE TRIGGER md_family_update AFTER UPDATE OF status, version_of_id ON metadata_manageddata
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.version_of_id IS DISTINCT FROM NEW.version_of_id)
    EXECUTE FUNCTION md_family_sync()""",
    """CREATE TRIGGER md_family_delete AFTER DELETE ON metadata_manageddata
    FOR EACH ROW WHEN (OLD.version_of_id IS NOT NULL) EXECUTE FUNCTION md_family_sync()""",
    """CREATE TRIGGER dmp_copies BEFORE INSERT OR UPDATE OF project_id, department_id, institution_id, funder_id
    ON dmp_dmp FOR EACH ROW EXECUTE FUNCTION dmp_copies()""",
    """CREATE TRIGGER project_copies AFTER UPDATE OF program_id, research_field, department_id, institution_id
    ON dmp_project FOR EACH ROW WHEN (OLD.program_id IS DISTINCT FROM NEW.program_id
        OR OLD.research_field IS DISTINCT FROM NEW.research_field
        OR OLD.department_id IS DISTINCT FROM NEW.department_id
        OR OLD.institution_id IS DISTINCT FROM NEW.institution_id)
    EXECUTE FUNCTION project_copies_refresh()""",
    """CREATE TRIGGER program_copies AFTER UPDATE OF funder_id ON policy_fundingprogram
    FOR EACH ROW WHEN (OLD.funder_id IS DISTINCT FROM NEW.funder_id) EXECUTE FUNCTION program_copies_refresh()""",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS md_copies ON metadata_manageddata",
    "DROP TRIGGER IF EXISTS md_family_insert ON metadata_manageddata",
    "DROP TRIGGER IF EXISTS md_family_update ON metadata_manageddata",
    "DROP TRIGGER IF EXISTS md_family_delete ON metadata_manageddata",
    "DROP TRIGGER IF EXISTS dmp_copies ON dmp_dmp",
    "DROP TRIGGER IF EXISTS project_copies ON dmp_project",
    "DROP TRIGGER IF EXISTS program_copies ON policy_fundingprogram",
    "DROP FUNCTION IF EXISTS md_copies(), md_family_sync(), md_family_refresh(bigint), dmp_copies(), "
    "project_copies_refresh(), program_copies_refresh()",
]

# SQLite: one UPDATE per kind of copy, for the rows `where` picks, changing only rows whose copies differ.
_MD_COPIES = """(SELECT p.program_id, f.funder_id, CASE WHEN metadata_manageddata.research_field = 'project'
        THEN p.research_field ELSE metadata_manageddata.research_field END
    FROM dmp_project p LEFT JOIN policy_fundingprogram f ON f.id = p.program_id
    WHERE p.id = metadata_manageddata.project_id)"""
_SQLITE_MD = (f"UPDATE metadata_manageddata SET (program_id, funder_id, effective_field) = {_MD_COPIES} "
              f"WHERE {{where}} AND (program_id, funder_id, effective_field) IS NOT {_MD_COPIES};")
_DMP_COPIES = """(SELECT p.department_id, p.institution_id, f.funder_id
    FROM dmp_project p LEFT JOIN policy_fundingprogram f ON f.id = p.program_id WHERE p.id = dmp_dmp.project_id)"""
_SQLITE_DMP = (f"UPDATE dmp_dmp SET (department_id, institution_id, funder_id) = {_DMP_COPIES} "
               f"WHERE {{where}} AND (department_id, institution_id, funder_id) IS NOT {_DMP_COPIES};")
_LATEST = """(id = coalesce((SELECT max(id) FROM metadata_manageddata
    WHERE (id = {family} OR version_of_id = {family}) AND status = 'published'), {family}))"""
_SQLITE_FAMILY = (f"UPDATE metadata_manageddata SET latest_version = {_LATEST} "
                  f"WHERE (id = {{family}} OR version_of_id = {{family}}) AND latest_version IS NOT {_LATEST};")
_NEW_FAMILY = _SQLITE_FAMILY.format(family="coalesce(NEW.version_of_id, NEW.id)")
_OLD_FAMILY = _SQLITE_FAMILY.format(family="coalesce(OLD.version_of_id, OLD.id)")
_OF_PROJECTS = "project_id IN (SELECT id FROM dmp_project WHERE {})"

SQLITE = [
    f"""CREATE TRIGGER md_copies_insert AFTER INSERT ON metadata_manageddata BEGIN
    {_SQLITE_MD.format(where="id = NEW.id")}
    {_NEW_FAMILY}
    END""",
    f"""CREATE TRIGGER md_copies_update AFTER UPDATE OF project_id, research_field, program_id, funder_id,
    effective_field, status, version_of_id, latest_version ON metadata_manageddata BEGIN
    {_SQLITE_MD.format(where="id = NEW.id")}
    {_OLD_FAMILY}
    {_NEW_FAMILY}
    END""",
    f"""CREATE TRIGGER md_family_delete AFTER DELETE ON metadata_manageddata BEGIN
    {_OLD_FAMILY}
    END""",
    f"""CREATE TRIGGER dmp_copies_insert AFTER INSERT ON dmp_dmp BEGIN
    {_SQLITE_DMP.format(where="id = NEW.id")}
    END""",
    f"""CREATE TRIGGER dmp_copies_update AFTER UPDATE OF project_id, department_id, institution_id, funder_id
    ON dmp_dmp BEGIN
    {_SQLITE_DMP.format(where="id = NEW.id")}
    END""",
    f"""CREATE TRIGGER project_copies AFTER UPDATE OF program_id, research_field ON dmp_project BEGIN
    {_SQLITE_MD.format(where="project_id = NEW.id")}
    END""",
    f"""CREATE TRIGGER project_dmp_copies AFTER UPDATE OF program_id, department_id, institution_id ON dmp_project
    BEGIN
    {_SQLITE_DMP.format(where="project_id = NEW.id")}
    END""",
    f"""CREATE TRIGGER program_copies AFTER UPDATE OF funder_id ON policy_fundingprogram BEGIN
    {_SQLITE_MD.format(where=_OF_PROJECTS.format("program_id = NEW.id"))}
    {_SQLITE_DMP.format(where=_OF_PROJECTS.format("program_id = NEW.id"))}
    END""",
]

SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {name}" for name in (
    "md_copies_insert", "md_copies_update", "md_family_delete", "dmp_copies_insert", "dmp_copies_update",
    "project_copies", "project_dmp_copies", "program_copies")]

STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_DROP), "sqlite": (SQLITE, SQLITE_DROP)}


def install(connection) -> None:
    """(Re)create the triggers on `connection`'s database, if its tables and columns are there (not while
    migrating backwards)."""
    create, drop = STATEMENTS[connection.vendor]
    with connection.cursor() as cursor:
        if not set(TABLES) <= set(connection.introspection.table_names(cursor)):
            return
        cursor.execute("SELECT * FROM metadata_manageddata WHERE 1 = 0")
        if "latest_version" not in {column[0] for column in cursor.description}:
            return
        for statement in [*drop, *create]:
            cursor.execute(statement)


def install_after_migrate(using, **kwargs) -> None:
    with transaction.atomic(using=using):
        install(connections[using])
