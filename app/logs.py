"""Keep secrets out of the logs. A PBX that cannot send a header authenticates with `?token=`
(docs/integrations/asterisk.md: never written to any log), and uvicorn's access log writes every
request's path with its query string; this filter writes `token=[redacted]` instead, on the
loggers that may carry a URL (uvicorn's access and error logs, Litestar's)."""

import logging
import re

# token=… in a query string (also access_token=…), up to the next & or the end of the URL
TOKEN = re.compile(r"(?i)((?:^|[?&;\s])(?:access_)?token=)[^&;\s\"']*")
REDACTED = "[redacted]"
LOGGERS = ("uvicorn.access", "uvicorn.error", "litestar")


def redact(text: str) -> str:
    """The text with every query-string token's value replaced."""
    return TOKEN.sub(rf"\1{REDACTED}", text)


class RedactTokens(logging.Filter):
    """Rewrites a record's message and its string arguments before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        return True


def install() -> None:
    """Put the filter on each logger that may write a URL (once; logging keeps it across its
    reconfiguration by uvicorn, which replaces handlers, not filters)."""
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
