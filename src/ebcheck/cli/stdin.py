"""`ebcheck audit -`: one deal from standard input, for editors linting a buffer.

The bytes are read as a file's would be (so a GBK buffer is named as such),
bounded by the size a deal file may have, and the deal is reported as
`<stdin>`. It is audited alone: with other paths there would be no telling
which of them a `-` in a report means.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ebcheck.errors import EbcheckError

if TYPE_CHECKING:
    from ebcheck.audit.results import AuditReport
    from ebcheck.audit.settings import Settings
    from ebcheck.cli.request import AuditRequest

STDIN_PATH = Path("-")
"""The path that names standard input on the command line."""


def audit_stdin(request: AuditRequest, settings: Settings) -> AuditReport:
    from ebcheck.audit.engine import audit_data
    from ebcheck.deal.source import MAX_BYTES

    if len(request.paths) > 1:
        raise EbcheckError("stdin_alone")
    # One byte over the limit is enough for the loader to say the file is too big.
    data = sys.stdin.buffer.read(MAX_BYTES + 1)
    return audit_data(data, settings)
