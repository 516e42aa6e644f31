"""What participants take home: the ICS calendar file, the badge's QR code, the printable agenda.

The ICS file is written here (RFC 5545): CRLF line endings, lines folded at 75 octets without
splitting a UTF-8 character, TZID Asia/Shanghai with its VTIMEZONE (no daylight saving since
1991), a stable UID per session and meeting, and DTSTAMP in UTC.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .services import agenda

TZID = "Asia/Shanghai"
SHANGHAI = zoneinfo.ZoneInfo(TZID)
FONT_PATH = settings.PACKAGE_DIR / "static" / "fonts" / "wqy-microhei" / "wqy-microhei.ttf"

VTIMEZONE = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "X-LIC-LOCATION:Asia/Shanghai",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


def escape_text(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets; continuations start with a space."""
    out = []
    current = b""
    limit = 75
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > limit:
            out.append(current.decode("utf-8"))
            current = b" "
            limit = 75
        current += encoded
    out.append(current.decode("utf-8"))
    return "\r\n".join(out)


def _local(dt: datetime.datetime) -> str:
    return dt.astimezone(SHANGHAI).strftime("%Y%m%dT%H%M%S")


def ics_for(registration, *, now: datetime.datetime | None = None) -> str:
    event = registration.event
    stamp = (now or timezone.now()).astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//ClusterHub//Conference agenda//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(event.name)}",
        f"X-WR-TIMEZONE:{TZID}",
        *VTIMEZONE,
    ]
    for item in agenda(registration):
        description = "\n".join(
            x
            for x in (item.with_whom, item.reason, item.interpreter and f"🗣 {item.interpreter}")
            if x
        )
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;TZID={TZID}:{_local(item.starts_at)}",
            f"DTEND;TZID={TZID}:{_local(item.ends_at)}",
            f"SUMMARY:{escape_text(item.title)}",
            f"LOCATION:{escape_text(', '.join(x for x in (item.where, event.venue) if x))}",
        ]
        if description:
            lines.append(f"DESCRIPTION:{escape_text(description)}")
        lines += ["STATUS:CONFIRMED", "TRANSP:OPAQUE", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)


def qr_svg(data: str, *, scale: int = 4) -> str:
    """An inline SVG QR code (error correction M) for the badge."""
    import segno

    return segno.make(data, error="m").svg_inline(scale=scale, border=2)


def agenda_pdf(registration, *, check_in_url: str = "") -> bytes:
    from weasyprint import HTML

    html = render_to_string(
        "events/agenda_print.html",
        {
            "registration": registration,
            "event": registration.event,
            "items": agenda(registration),
            "qr": qr_svg(check_in_url or registration.token),
            "font_url": FONT_PATH.as_uri(),
            "printed": timezone.localtime(),
        },
    )
    return HTML(string=html, base_url=str(settings.PACKAGE_DIR)).write_pdf()
