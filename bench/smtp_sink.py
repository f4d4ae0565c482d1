"""An SMTP server that stores nothing and answers 250 at once: the SMTP limit of the machine (aiosmtpd).

    python -m bench.smtp_sink PORT
"""

from __future__ import annotations

import sys
import time
from typing import Any

from aiosmtpd.controller import Controller


class Sink:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 OK"


def main() -> None:
    controller = Controller(Sink(), hostname="127.0.0.1", port=int(sys.argv[1]), data_size_limit=30 * 1024 * 1024)
    controller.start()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
