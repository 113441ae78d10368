"""`python -m tools.govsim --port 8900 --secret S --callback-url http://127.0.0.1:8000`."""

from __future__ import annotations

import argparse
import os

import uvicorn

from tools.govsim.app import create_sim


def main() -> None:
    parser = argparse.ArgumentParser(description="simulated government platform")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument(
        "--secret",
        default=os.environ.get(
            "GRIDCONNECT_GOV_PLATFORM_SECRET", "govsim-demo-secret-0123456789abcdef"
        ),
    )
    parser.add_argument("--callback-url", default="http://127.0.0.1:8000")
    args = parser.parse_args()
    uvicorn.run(
        create_sim(args.secret, args.callback_url),
        host=args.host,
        port=args.port,
        log_level="warning",
    )


if __name__ == "__main__":
    main()
