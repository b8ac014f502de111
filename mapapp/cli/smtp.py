"""The SMTP connection of `flask send-alerts`: opened at the first mail, TLS as configured, failures sorted.

SmtpDown stops the run (server unreachable, TLS or login refused, sender refused, connection lost):
nothing more can go now. SmtpRefused concerns one message (its recipient or its content refused).
"""
import smtplib
import ssl

TLS_MODES = ("none", "starttls", "ssl")


class SmtpDown(Exception):
    """The server cannot take mail now; the run stops and the outbox keeps the rest."""


class SmtpRefused(Exception):
    """The server refused this one message; permanent for a 5xx answer."""

    def __init__(self, message: str, permanent: bool):
        super().__init__(message)
        self.permanent = permanent


def _answer(code, text) -> str:
    text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(text.split())}"


class Mailer:
    """One SMTP session for a run; use as a context manager."""

    def __init__(self, host: str, port: int, tls: str, user: str | None, password: str | None, timeout: float):
        self.host, self.port, self.tls, self.user, self.password, self.timeout = host, port, tls, user, password, timeout
        self.where = f"{host}:{port} (TLS: {tls})"
        self.conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.conn is not None:
            try:
                self.conn.quit()
            except (smtplib.SMTPException, OSError):
                self.conn.close()
            self.conn = None

    def _connect(self):
        context = ssl.create_default_context()
        try:
            if self.tls == "ssl":
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.tls == "starttls":
                    conn.starttls(context=context)
            if self.user:
                conn.login(self.user, self.password or "")
        except smtplib.SMTPAuthenticationError as err:
            raise SmtpDown(f"the SMTP server {self.where} refused the login of {self.user!r}: "
                           f"{_answer(err.smtp_code, err.smtp_error)}") from None
        except (smtplib.SMTPException, OSError) as err:
            raise SmtpDown(f"could not talk to the SMTP server {self.where}: {err or type(err).__name__}") from None
        self.conn = conn

    def send(self, mail, sender: str, recipient: str):
        """Hand one message to the server (connecting first if need be)."""
        if self.conn is None:
            self._connect()
        try:
            self.conn.send_message(mail, from_addr=sender, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as err:
            code, text = next(iter(err.recipients.values()))
            raise SmtpRefused(f"recipient refused: {_answer(code, text)}", permanent=500 <= code < 600) from None
        except smtplib.SMTPSenderRefused as err:
            raise SmtpDown(f"the SMTP server {self.where} refused the sender {sender}: "
                           f"{_answer(err.smtp_code, err.smtp_error)}") from None
        except smtplib.SMTPDataError as err:
            raise SmtpRefused(f"message refused: {_answer(err.smtp_code, err.smtp_error)}",
                              permanent=500 <= err.smtp_code < 600) from None
        except (smtplib.SMTPException, OSError) as err:
            self.conn = None
            raise SmtpDown(f"the SMTP server {self.where} failed: {err or type(err).__name__}") from None
