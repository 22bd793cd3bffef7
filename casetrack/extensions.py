"""Extension objects, created unbound and attached to an app in ``create_app``."""

import sqlite3

from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

from casetrack.replica import RoutingSession


class Base(DeclarativeBase):
    # Named constraints so Alembic can alter and drop them on SQLite (batch mode) and PostgreSQL alike.
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


# Sessions route their SELECTs to the read replica where a page asked for it (casetrack.replica).
db = SQLAlchemy(model_class=Base, session_options={"class_": RoutingSession})
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


@event.listens_for(Engine, "connect")
def _overwrite_deleted_content(dbapi_connection, _record) -> None:
    # A SQLite file keeps a deleted or updated row's bytes in its free pages until they are reused; with
    # secure_delete they are zeroed, so an old value (a re-sealed ID number) cannot be read from the file.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA secure_delete = ON")
