from tests.dmp.conftest import institution, researcher, templates  # noqa: F401  (the DMP tests' own fixtures)
