"""Sending e-mail over the configured SMTP server. Callers record what was sent; this only delivers."""

from __future__ import annotations

import smtplib
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from flask import current_app

from casetrack.clock import local_now


@dataclass
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/octet-stream"
    #: An inline picture of the HTML part, which refers to it as ``cid:<content_id>``.
    content_id: str | None = None


@dataclass
class Mail:
    to: str
    subject: str
    text: str
    html: str | None = None
    attachments: list[Attachment] = field(default_factory=list)
    #: Pictures the HTML part shows (Attachment.content_id); a client without HTML shows the plain text instead.
    inline: list[Attachment] = field(default_factory=list)
    #: A fixed Message-ID for a message that may be retried, so a mail client shows a duplicate only once.
    message_id: str | None = None


def build_message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    # The district's time and offset ("+0800"), not the server's zone, which is often UTC.
    message["Date"] = format_datetime(local_now())
    message["Message-ID"] = mail.message_id or make_msgid(domain=sender.rsplit("@", 1)[-1] or "casetrack")
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
        html_part = message.get_body(("html",))
        for picture in mail.inline:
            maintype, subtype = picture.mimetype.split("/", 1)
            html_part.add_related(
                picture.content,
                maintype=maintype,
                subtype=subtype,
                cid=f"<{picture.content_id}>",
                filename=picture.filename,
            )
    for attachment in mail.attachments:
        maintype, subtype = attachment.mimetype.split("/", 1)
        message.add_attachment(attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename)
    return message


class DeliveryUncertain(RuntimeError):
    """The connection failed after the message itself was on its way: the server may have accepted it (a slow
    "250 OK" after a content scan looks exactly like this), so sending it again could deliver it twice."""


def send(mail: Mail) -> None:
    """Deliver one message or raise: smtplib.SMTPException or OSError when it certainly did not arrive (the
    caller may retry), DeliveryUncertain when it may have."""
    config = current_app.config
    message = build_message(mail, config["CASETRACK_SMTP_SENDER"])
    smtp = smtplib.SMTP(
        config["CASETRACK_SMTP_HOST"], config["CASETRACK_SMTP_PORT"], timeout=config["CASETRACK_SMTP_TIMEOUT"]
    )
    try:
        if config["CASETRACK_SMTP_STARTTLS"]:
            smtp.starttls()
        if config["CASETRACK_SMTP_USER"]:
            smtp.login(config["CASETRACK_SMTP_USER"], config["CASETRACK_SMTP_PASSWORD"])
        smtp.ehlo_or_helo_if_needed()
        code, reply = smtp.mail(config["CASETRACK_SMTP_SENDER"])
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, config["CASETRACK_SMTP_SENDER"])
        code, reply = smtp.rcpt(mail.to)
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({mail.to: (code, reply)})
        try:
            code, reply = smtp.data(message.as_bytes(policy=policy.SMTP))
        except smtplib.SMTPDataError:
            raise  # the server said no: certainly not delivered
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryUncertain(f"{type(error).__name__}: {error}") from error
        if code != 250:
            raise smtplib.SMTPDataError(code, reply)
    finally:
        # Not `with smtplib.SMTP(...)`: that raises when the server answers QUIT badly, after it has already
        # accepted the message — and the caller would send it again.
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()
