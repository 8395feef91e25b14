"""An email backend that raises the errors a test queues, then accepts messages (to test retries)."""

from django.core.mail.backends.base import BaseEmailBackend


class FailingBackend(BaseEmailBackend):
    errors: list[Exception] = []
    sent: list = []

    def send_messages(self, email_messages):
        if FailingBackend.errors:
            raise FailingBackend.errors.pop(0)
        FailingBackend.sent.extend(email_messages)
        return len(email_messages)
