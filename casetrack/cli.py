"""The `casetrack` console script: the same commands as `flask --app casetrack …`."""

from flask.cli import FlaskGroup


def main() -> None:
    from casetrack import create_app

    FlaskGroup(create_app=create_app)()
