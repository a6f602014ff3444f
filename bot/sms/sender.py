"""Sending SMS through the SMS Gateway for Android app's API, with its Python client
(``android-sms-gateway``'s ``AsyncAPIClient`` on an aiohttp session), against the phone's local
server or the cloud server (``SMS_GATEWAY_URL``).

Every text goes through :func:`bot.sms.text.sms_text` (GSM-7, the catalogue's short forms,
choices as a line to type: an SMS has no buttons). A PDF cannot go by SMS: a short text with
a signed, expiring link to it goes instead (``sms.document``), the link made as WhatsApp's
media links are (:mod:`bot.media`).

Pace and cap: one phone sends about one SMS every few seconds (``SMS_SEND_INTERVAL_SECONDS``)
and a carrier limits what one SIM sends a day (``SMS_DAILY_LIMIT``, counted from midnight in
``DEFAULT_TIMEZONE``, in SMS as the carrier counts them: a message of two parts is two). The
count is kept in the database (:class:`bot.channels.quota.DailyQuota`): every instance sharing
the phone draws on it, and a restart does not start it again. A message's parts are taken
before it is sent and given back if the send fails. A message over the day's cap is not
dropped: the dispatcher is told to try again at the next midnight
(:class:`bot.channels.RetryLater`, which does not count as an attempt), so it waits in the
outbox with the reason (``posyandu outbox``); the operator log says so once a day
(``sms.daily_limit_reached``) and ``/healthz`` shows it.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import aiohttp
from aiolimiter import AsyncLimiter
from android_sms_gateway import AsyncAPIClient, Message, TextMessage
from android_sms_gateway.ahttp import AiohttpAsyncHttpClient
from android_sms_gateway.errors import APIError

from bot.channels import (
    OutgoingDocument,
    PermanentError,
    RetryLater,
    TransientError,
)
from bot.channels.quota import DailyQuota
from bot.logs import log_event, mask
from bot.media import PRIVATE_TTL
from bot.sms import SMS
from bot.sms.settings import SmsSettings
from bot.sms.text import segments, sms_text
from conversations.catalogue import say
from scoring.clock import Clock

__all__ = ["DAILY_LIMIT_CODE", "SmsSender", "build_client"]

log = logging.getLogger("posyandu.sms")

#: The error code a row waiting for the next day's cap carries (``posyandu outbox``).
DAILY_LIMIT_CODE = "daily_limit"
#: How long a throttled send (HTTP 429) waits before the next try.
THROTTLED_WAIT = 30.0
#: The client's requests: the phone's server on a local network answers in well under this.
TIMEOUT = aiohttp.ClientTimeout(total=20)


def build_client(settings: SmsSettings) -> tuple[AsyncAPIClient, aiohttp.ClientSession]:
    """The gateway's API client on an aiohttp session of its own (call inside the event loop;
    close the session at the end)."""
    session = aiohttp.ClientSession(timeout=TIMEOUT)
    client = AsyncAPIClient(
        settings.username,
        settings.password,
        base_url=settings.gateway_url,
        http_client=AiohttpAsyncHttpClient(session),
    )
    return client, session


class SmsSender:
    """A :class:`bot.channels.Sender` through the SMS gateway."""

    name = SMS

    def __init__(
        self,
        client: AsyncAPIClient,
        settings: SmsSettings,
        clock: Clock,
        media_url: Callable[[OutgoingDocument], Awaitable[str]],
        quota: DailyQuota,
    ) -> None:
        self.client = client
        self.quota = quota
        self.settings = settings
        self.clock = clock
        self.media_url = media_url
        self.zone = ZoneInfo(settings.timezone)
        interval = settings.send_interval_seconds
        self._pace = AsyncLimiter(1, interval) if interval > 0 else None
        self._day: date | None = None
        #: SMS sent on ``_day`` by every instance, as last read from the shared count.
        self.sent_today = 0
        #: When the day's cap was reached (None: not today).
        self.capped_at: datetime | None = None

    async def send_text(
        self, address: str, text: str, choices: Sequence[str] = (), numbered: bool = True
    ) -> str | None:
        return await self._send(address, sms_text(text, tuple(choices), numbered))

    async def send_document(self, address: str, document: OutgoingDocument) -> str | None:
        # No link is made for a message that cannot go today.
        day = self._today()
        self.sent_today = await self.quota.used(SMS, day)
        if self.sent_today >= self.settings.daily_limit:
            raise self._capped()
        url = await self.media_url(document)
        hours = f"{self.settings.media_ttl_hours:g}"
        caption = document.caption.strip() or document.filename
        if document.private:  # a child's name on it: its link opens once, for minutes
            minutes = int(PRIVATE_TTL.total_seconds() // 60)
            text = say("sms.document_private", caption=caption, url=url, minutes=minutes)
        else:
            text = say("sms.document", caption=caption, url=url, hours=hours)
        return await self._send(address, sms_text(text))

    def _today(self) -> date:
        day = self.clock.now().astimezone(self.zone).date()
        if day != self._day:
            self._day, self.sent_today, self.capped_at = day, 0, None
        return day

    def sent_so_far(self) -> int:
        """SMS sent today by every instance, as last read (a new day starts at 0, the cap
        lifted)."""
        self._today()
        return self.sent_today

    def next_day_at(self) -> datetime:
        """The next midnight (the cap's new day), in UTC."""
        tomorrow = self._today() + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), self.zone)

    def _capped(self) -> RetryLater:
        """The day's cap is reached: logged once a day, and the row waits for midnight."""
        limit = self.settings.daily_limit
        now = self.clock.now()
        resume = self.next_day_at()
        if self.capped_at is None:
            self.capped_at = now
            log_event(
                log,
                "sms.daily_limit_reached",
                logging.WARNING,
                sent=self.sent_today,
                limit=limit,
                resumes=resume.isoformat(),
            )
        wait = max(1.0, (resume - now).total_seconds())
        return RetryLater(
            wait,
            f"SMS_DAILY_LIMIT reached ({self.sent_today} of {limit} sent today): "
            f"waits until {resume.isoformat()}",
            code=DAILY_LIMIT_CODE,
        )

    async def _send(self, address: str, body: str) -> str | None:
        message = Message(phone_numbers=[address], text_message=TextMessage(text=body))
        if self._pace is not None:
            async with self._pace:
                return await self._send_within_cap(address, body, message)
        return await self._send_within_cap(address, body, message)

    async def _send_within_cap(self, address: str, body: str, message: Message) -> str | None:
        day = self._today()
        parts = segments(body).count
        taken = await self.quota.take(SMS, day, parts, self.settings.daily_limit)
        if taken is None:
            self.sent_today = await self.quota.used(SMS, day)
            raise self._capped()
        self.sent_today = taken
        try:
            state = await self.client.send(message)
        except APIError as exc:
            await self.quota.give_back(SMS, day, parts)
            raise _delivery_error(exc) from exc
        except aiohttp.ClientConnectorError as exc:  # the phone not reached: nothing went
            await self.quota.give_back(SMS, day, parts)
            raise TransientError(f"sms gateway: {type(exc).__name__}") from exc
        except (TimeoutError, aiohttp.ClientError) as exc:
            # It may have gone (a time-out after the phone took it): counted, to stay under
            # the carrier's cap rather than over it.
            raise TransientError(f"sms gateway: {type(exc).__name__}") from exc
        log_event(log, "sms.sent", logging.DEBUG, to=mask(address), id=state.id, parts=parts)
        return str(state.id) if state.id else None


def _delivery_error(exc: APIError) -> Exception:
    """What the dispatcher does with the gateway's refusal."""
    status = exc.status_code
    tag = str(status) if status is not None else None
    if status == 429:
        return RetryLater(THROTTLED_WAIT, "sms gateway 429", code=tag)
    if status is None or status >= 500:
        return TransientError(f"sms gateway {status}: {exc}", code=tag)
    return PermanentError(f"sms gateway {status}: {exc}", code=tag)
