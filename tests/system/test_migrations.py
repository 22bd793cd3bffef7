def test_the_migrations_build_exactly_the_schema_the_models_describe(app):
    """The test database was built by `db upgrade`; Alembic's own check finds nothing left to migrate."""
    result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
