"""Domain errors and how they reach a person: a translated message, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError

from casetrack.extensions import db
from casetrack.i18n import N_, params_of, translate

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A refused action. ``message`` is an English msgid marked with ``N_``; params fill its placeholders."""

    status_code = 400

    def __init__(self, message: str, **params):
        super().__init__(message)
        self.message = message
        # A rule's refusal may carry its own params (i18n.FilledMsgid: the earliest day taken).
        self.params = {**params_of(message), **params}

    def translated(self) -> str:
        return translate(self.message, self.params)

    def __str__(self) -> str:
        try:
            return self.message % self.params if self.params else self.message
        except (KeyError, ValueError):
            return self.message


class NotFound(DomainError):
    status_code = 404


class PermissionDenied(DomainError):
    status_code = 403


class TooLarge(DomainError):
    status_code = 413


class UnsupportedType(DomainError):
    status_code = 415


class ConflictError(DomainError):
    """Someone else saved the record first (optimistic locking)."""

    status_code = 409


def wants_json() -> bool:
    return request.path.startswith("/api/")


#: HTTP errors answered with nothing but their message.
PLAIN_ERRORS = {
    400: N_("The request could not be understood."),
    403: N_("You do not have permission to do that."),
    404: N_("The page or record does not exist."),
}


def register_error_handlers(app: Flask) -> None:
    def render(status: int, message: str):
        if wants_json():
            return jsonify(error=message), status
        return render_template("error.html", status=status, message=message), status

    def plain(status: int, message: str):
        return lambda error: render(status, gettext(message))

    for status, message in PLAIN_ERRORS.items():
        app.register_error_handler(status, plain(status, message))

    @app.errorhandler(413)
    def too_large(error):
        limit = request.max_content_length
        megabytes = f"{limit / (1024 * 1024):.0f} MB" if limit else "?"
        return render(
            413,
            gettext(
                "The upload is larger than the %(limit)s one request may carry: nothing was stored.", limit=megabytes
            ),
        )

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        return render(error.status_code, error.translated())

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render(
            400, gettext("The form has expired or did not come from this site. Reload the page and try again.")
        )

    @app.errorhandler(401)
    def unauthorized(error):
        # Pages redirect to the login form instead (Flask-Login); this is reached by API paths, whose blueprint
        # has no login view. The header tells a client which credentials are expected.
        body, status = render(401, gettext("Sign in, or send an API token in the header Authorization: Bearer TOKEN."))
        return body, status, {"WWW-Authenticate": 'Bearer realm="casetrack"'}

    @app.errorhandler(405)
    def method_not_allowed(error):
        body, status = render(405, gettext("That action is not allowed here."))
        return body, status, [(k, v) for k, v in error.get_headers() if k == "Allow"]

    @app.before_request
    def refuse_nul_characters():
        # PostgreSQL cannot store or even compare text containing NUL: a pasted "\x00" in any search box or form
        # field would end in a database error. The API names the parameter itself (api.views).
        if wants_json():
            return None
        values = [*request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            return render(400, gettext("The input contains a NUL character, which cannot be stored. Remove it."))
        return None

    @app.errorhandler(500)
    def server_error(error):
        log.exception("unhandled error on %s", request.path)
        # A failed statement leaves the session unusable, and the page itself reads the signed-in user.
        db.session.rollback()
        return render(500, gettext("Something went wrong on our side. The error has been logged."))
